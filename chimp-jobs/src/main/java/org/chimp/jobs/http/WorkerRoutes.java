package org.chimp.jobs.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import org.chimp.http.Json;
import org.chimp.http.Routes;
import org.chimp.jobs.JobService;
import org.chimp.jobs.WorkerInfo;

/** {@code GET /workers}: the registered workers, what they run, and whether their heartbeat is recent. */
public final class WorkerRoutes implements Routes {
    private final JobService jobs;

    public WorkerRoutes(JobService jobs) {
        this.jobs = jobs;
    }

    @Override
    public void addTo(Javalin app) {
        app.get("/workers", ctx -> {
            ObjectNode body = Json.MAPPER.createObjectNode();
            ArrayNode items = body.putArray("workers");
            jobs.workers().forEach(w -> items.add(toJson(w)));
            ctx.json(body);
        });
    }

    /** The JSON form of a worker: snake_case, ISO-8601 times. */
    public static ObjectNode toJson(WorkerInfo w) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", w.id());
        o.put("host", w.host());
        o.put("pid", w.pid());
        w.queues().forEach(o.putArray("queues")::add);
        o.put("concurrency", w.concurrency());
        o.put("state", w.state());
        w.currentJobs().forEach(o.putArray("current_jobs")::add);
        o.put("started_at", w.startedAt().toString());
        o.put("last_heartbeat", w.lastHeartbeat().toString());
        o.put("heartbeat_ms", w.heartbeat().toMillis());
        o.put("alive", w.alive());
        return o;
    }
}
