package org.chimp.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A worker as its registry row shows it.
 *
 * @param state         {@code running}, {@code stopping} during its shutdown grace period, or {@value #LOST} once its
 *                      heartbeat is overdue (killed or cut off; its current jobs are then shown empty)
 * @param heartbeat     how often it refreshes its row
 * @param alive         its last heartbeat is younger than {@value WorkerInfo#ALIVE_INTERVALS} heartbeat intervals
 */
public record WorkerInfo(String id, String host, long pid, List<String> queues, int concurrency, Duration heartbeat,
                         String state, List<String> currentJobs, Instant startedAt, Instant lastHeartbeat,
                         boolean alive) {
    /** A worker missing this many heartbeats in a row is presumed dead. */
    public static final int ALIVE_INTERVALS = 3;
    /** The state shown for a worker presumed dead. */
    public static final String LOST = "lost";
}
