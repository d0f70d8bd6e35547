package org.chimp.jobs.embedded;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.chimp.db.Sql;
import org.chimp.jobs.broker.Delivery;

/**
 * Claims the most urgent visible messages for one receive: reads candidates, then takes them with compare-and-set
 * updates sent as one JDBC batch. The compare-and-set (only one receiver can move a row's receipt) is what makes
 * a claim safe across threads and processes; on PostgreSQL the candidates are also locked with
 * {@code FOR UPDATE SKIP LOCKED}, so concurrent receivers claim disjoint rows instead of queueing on each other's
 * row locks and losing. Run it in a transaction: the locks and the updates must last until the commit.
 */
final class Claimer {
    /**
     * Extra candidates read when they are not locked: concurrent receivers read the same rows, so a loser's batch
     * goes on with the next ones instead of reading again.
     */
    static final int SLACK = 8;

    private final Duration visibilityTimeout;
    private final boolean skipLocked;

    /**
     * @param skipLocked lock the candidates with {@code FOR UPDATE SKIP LOCKED}; only for PostgreSQL: H2 (2.3)
     *                   applies the LIMIT before skipping locked rows, so a receiver would find nothing while
     *                   another holds the most urgent ones
     */
    Claimer(Duration visibilityTimeout, boolean skipLocked) {
        this.visibilityTimeout = visibilityTimeout;
        this.skipLocked = skipLocked;
    }

    /**
     * Up to {@code max} deliveries, most urgent first; empty only if no message of the queues is visible. May
     * fail with a lock conflict on H2 (a deadlock or lock timeout with other batches); the transaction is then
     * rolled back and can simply be run again.
     */
    List<Delivery> claim(Connection c, List<String> queues, int max) throws SQLException {
        while (true) {
            Instant now = EmbeddedBroker.now();
            List<Candidate> candidates = candidates(c, queues, now, skipLocked ? max : max + SLACK);
            if (candidates.isEmpty()) {
                return List.of();
            }
            // Only a pass that took nothing (and so holds no row lock) goes on with the next candidates: locks
            // taken across passes would not be in job id order.
            List<Delivery> got = List.of();
            for (int next = 0; got.isEmpty() && next < candidates.size(); next += max) {
                got = take(c, candidates.subList(next, Math.min(candidates.size(), next + max)), now);
            }
            if (!got.isEmpty()) {
                return got;
            }
            // Every candidate was taken by a concurrent receiver: read again rather than wait.
        }
    }

    /**
     * The most urgent visible messages, in order. One ordered, limited read per queue (each an index range scan on
     * {@code (queue, priority DESC, visible_at, id)}), merged: with an IN list the databases would sort every
     * visible message of the queues instead. The constant {@code queue} leads the ORDER BY because H2 only reads
     * an index in order when the ORDER BY matches the index's columns from the first. Each queue's read is a
     * derived table because PostgreSQL allows FOR UPDATE there but not directly in a UNION; with several queues
     * it locks up to {@code limit} rows per queue until the commit, of which the claim takes the best.
     */
    private List<Candidate> candidates(Connection c, List<String> queues, Instant now, int limit) throws SQLException {
        String one = "SELECT id, queue, job_id, delivery_count, receipt, priority, visible_at FROM jobs_broker_messages "
                + "WHERE queue = ? AND visible_at <= ? ORDER BY queue, priority DESC, visible_at, id LIMIT ?"
                + (skipLocked ? " FOR UPDATE SKIP LOCKED" : "");
        String sql = queues.size() == 1 ? one
                : "SELECT * FROM (" + IntStream.range(0, queues.size())
                        .mapToObj(i -> "SELECT * FROM (" + one + ") q" + i).collect(Collectors.joining(" UNION ALL "))
                + ") m ORDER BY priority DESC, visible_at, id LIMIT ?";
        List<Object> args = new ArrayList<>();
        for (String q : queues) {
            args.add(q);
            args.add(now);
            args.add(limit);
        }
        if (queues.size() > 1) {
            args.add(limit);
        }
        return Sql.list(c, sql, rs -> new Candidate(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                rs.getString(5)), args.toArray());
    }

    /**
     * The compare-and-set, one per candidate in one batch: succeeds only if nobody changed the row since we read
     * it (same receipt) and it is still visible. Both databases re-check the WHERE clause after waiting for a
     * concurrent writer's lock, so exactly one receiver wins. The updates run in job id order, the order every
     * batch of this broker locks rows in, so batches wait for each other instead of deadlocking. A pending
     * republish is satisfied by this delivery: the receiver reads the job after the publish.
     *
     * @return the deliveries of the candidates taken, in the candidates' order
     */
    private List<Delivery> take(Connection c, List<Candidate> candidates, Instant now) throws SQLException {
        int[] byJob = IntStream.range(0, candidates.size()).boxed()
                .sorted(Comparator.comparing(i -> candidates.get(i).jobId)).mapToInt(Integer::intValue).toArray();
        String[] receipts = new String[candidates.size()];
        List<Object[]> rows = new ArrayList<>();
        for (int i : byJob) {
            receipts[i] = UUID.randomUUID().toString();
            rows.add(new Object[] {receipts[i], now.plus(visibilityTimeout), candidates.get(i).id,
                    candidates.get(i).receipt, now});
        }
        int[] counts = Sql.batch(c, "UPDATE jobs_broker_messages SET receipt = ?, visible_at = ?, "
                + "delivery_count = delivery_count + 1, republish = FALSE "
                + "WHERE id = ? AND receipt IS NOT DISTINCT FROM ? AND visible_at <= ?", rows);
        boolean[] taken = new boolean[candidates.size()];
        for (int k = 0; k < byJob.length; k++) {
            taken[byJob[k]] = counts[k] == 1;
        }
        List<Delivery> got = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Candidate m = candidates.get(i);
            if (taken[i]) {
                got.add(new Delivery(m.queue, m.jobId, receipts[i], m.deliveryCount + 1));
            }
        }
        return got;
    }

    private record Candidate(String id, String queue, String jobId, int deliveryCount, String receipt) {
    }
}
