package org.chimp.jobs.http;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import org.chimp.jobs.WorkerInfo;

/** The JSON form of a worker: snake_case, ISO-8601 times. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record WorkerView(String id, String host, long pid, List<String> queues, int concurrency, String state,
                         List<String> currentJobs, String startedAt, String lastHeartbeat, long heartbeatMs,
                         boolean alive) {

    public static WorkerView of(WorkerInfo w) {
        return new WorkerView(w.id(), w.host(), w.pid(), w.queues(), w.concurrency(), w.state(), w.currentJobs(),
                w.startedAt().toString(), w.lastHeartbeat().toString(), w.heartbeat().toMillis(), w.alive());
    }

    /** The body of {@code GET /workers}. */
    public record Workers(List<WorkerView> workers) {
    }
}
