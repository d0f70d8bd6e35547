package org.chimp.jobs.embedded;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.chimp.db.Database;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.Delivery;
import org.chimp.jobs.broker.Message;

/**
 * A durable broker in the database CHIMP already uses: one row per message in {@code jobs_broker_messages}.
 * Receiving claims rows with compare-and-set updates (only one receiver can move a row's receipt, see
 * {@link Claimer}), so it is safe across threads and across processes sharing a PostgreSQL database, and survives
 * a process kill: a message whose receiver died becomes visible again after the visibility timeout. The batch
 * operations ({@link #publishAll}, {@link #receive(List, Duration, int)}, {@link #ackAll}) each run in one
 * transaction with one JDBC batch per step, and lock rows in job id order, so that concurrent batches wait for
 * each other rather than deadlock (this matters on H2: it spins on a conflicting insert until its lock timeout
 * instead of detecting the cycle). A transaction the database still rolls back for a conflict is run again.
 * <p>
 * Times come from this process's clock, so processes sharing a database need synchronized clocks (NTP); a skew
 * well below the visibility timeout is harmless.
 */
public final class EmbeddedBroker implements Broker {
    /** The visibility timeout when none is given. */
    public static final Duration DEFAULT_VISIBILITY_TIMEOUT = Duration.ofSeconds(30);
    /** Waiting receivers look at the table this often, to notice other processes' publishes and timeouts. */
    private static final long RECHECK_MILLIS = 200;
    /**
     * SQLStates of a transaction rolled back because of a concurrent one (a deadlock, see {@link Jdbc#CONFLICTS};
     * a duplicate job from a concurrent insert, should a database report it instead of waiting: 23505): running
     * it again is safe. Not H2's lock timeout (HYT00): HikariCP closes the connection on it.
     */
    private static final Set<String> CONFLICTS = Stream.concat(Jdbc.CONFLICTS.stream(), Stream.of("23505"))
            .collect(Collectors.toUnmodifiableSet());
    /** Runs of one batch transaction before a conflict is passed on to the caller. */
    private static final int ATTEMPTS = 5;
    private static final String INSERT = "INSERT INTO jobs_broker_messages (id, queue, job_id, priority, visible_at, "
            + "delivery_count, receipt, republish) VALUES (?, ?, ?, ?, ?, 0, NULL, FALSE) ON CONFLICT DO NOTHING";

    private final DataSource ds;
    private final Duration visibilityTimeout;
    private final Claimer claimer;
    private final Object signal = new Object();
    private long wakeups; // guarded by signal
    private volatile boolean closed;

    /** A broker with the default visibility timeout of 30 s. */
    public EmbeddedBroker(DataSource ds) {
        this(ds, DEFAULT_VISIBILITY_TIMEOUT);
    }

    /** A broker whose received messages come back after {@code visibilityTimeout} unless extended or acked. */
    public EmbeddedBroker(DataSource ds, Duration visibilityTimeout) {
        if (visibilityTimeout.isNegative() || visibilityTimeout.isZero()) {
            throw new IllegalArgumentException("The visibility timeout must be positive, got " + visibilityTimeout);
        }
        this.ds = ds;
        this.visibilityTimeout = visibilityTimeout;
        Database.migrate(ds, "jobs_broker");
        this.claimer = new Claimer(visibilityTimeout,
                "PostgreSQL".equals(Jdbc.withConnection(ds, c -> c.getMetaData().getDatabaseProductName())));
    }

    /**
     * A job has at most one message. Publishing a job whose message is waiting changes nothing; publishing one
     * whose message is held (a dead-lettered job retried before its worker acked the failure) marks it for
     * republishing, so the holder's ack makes it visible again instead of deleting it.
     */
    @Override
    public void publish(String queue, String jobId, int priority) {
        publishAll(List.of(new Message(queue, jobId, priority)));
    }

    /** Publishes the messages in one transaction, each as {@link #publish} does, then wakes receivers once. */
    @Override
    public void publishAll(List<Message> messages) {
        ensureOpen();
        if (messages.isEmpty()) {
            return;
        }
        List<Message> pending = messages.stream().sorted(Comparator.comparing(Message::jobId)).toList();
        while (!pending.isEmpty()) {
            // Each round commits before the next: a round locks rows in job id order, two would not.
            List<Message> round = pending;
            pending = inTransaction(c -> insert(c, round));
        }
        wake();
    }

    /**
     * Inserts the messages in one JDBC batch. A message whose job already has one is flagged for republishing if
     * held, in a second batch (only if there are such messages).
     *
     * @return the messages whose existing message was acked between the two batches: to insert again
     */
    private static List<Message> insert(Connection c, List<Message> messages) throws SQLException {
        Instant now = now();
        int[] inserted = Sql.batch(c, INSERT, messages.stream()
                .map(m -> new Object[] {UUID.randomUUID().toString(), m.queue(), m.jobId(), m.priority(), now})
                .toList());
        List<Message> existing = where(messages, inserted, 0);
        int[] flagged = Sql.batch(c, "UPDATE jobs_broker_messages SET republish = (receipt IS NOT NULL) WHERE job_id = ?",
                existing.stream().map(m -> new Object[] {m.jobId()}).toList());
        return where(existing, flagged, 0);
    }

    /** Claims up to {@code max} messages in one transaction: one read and one JDBC batch of updates, usually. */
    @Override
    public List<Delivery> receive(List<String> queues, Duration wait, int max) {
        Broker.checkReceive(queues, max);
        long deadline = System.nanoTime() + wait.toNanos();
        while (!closed) {
            long seen;
            synchronized (signal) {
                seen = wakeups;
            }
            ensureOpen();
            List<Delivery> got = inTransaction(c -> claimer.claim(c, queues, max));
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (!got.isEmpty() || remainingMillis <= 0) {
                return got;
            }
            synchronized (signal) {
                try {
                    // A publish in this process since the claim attempt wakes us at once; otherwise re-check.
                    if (wakeups == seen && !closed) {
                        signal.wait(Math.min(RECHECK_MILLIS, remainingMillis));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return List.of();
                }
            }
        }
        return List.of();
    }

    /** Deletes the message, unless it was published again while held: then it is delivered again. */
    @Override
    public void ack(Delivery delivery) {
        ackAll(List.of(delivery));
    }

    /** Acks the deliveries in one transaction, each as {@link #ack} does. */
    @Override
    public void ackAll(Collection<Delivery> deliveries) {
        ensureOpen();
        if (deliveries.isEmpty()) {
            return;
        }
        List<Delivery> byJob = deliveries.stream().sorted(Comparator.comparing(Delivery::jobId)).toList();
        if (inTransaction(c -> settle(c, byJob))) {
            wake();
        }
    }

    /**
     * Deletes the acked messages in one JDBC batch; those published again while held are made visible again in a
     * second. Stale deliveries (their receipt moved on) change nothing.
     *
     * @return whether a message became visible again
     */
    private static boolean settle(Connection c, List<Delivery> deliveries) throws SQLException {
        int[] deleted = Sql.batch(c, "DELETE FROM jobs_broker_messages WHERE job_id = ? AND receipt = ? AND republish = FALSE",
                deliveries.stream().map(d -> new Object[] {d.jobId(), d.receipt()}).toList());
        Instant now = now();
        int[] republished = Sql.batch(c, "UPDATE jobs_broker_messages SET receipt = NULL, republish = FALSE, visible_at = ?, "
                        + "delivery_count = 0 WHERE job_id = ? AND receipt = ? AND republish = TRUE",
                where(deliveries, deleted, 0).stream().map(d -> new Object[] {now, d.jobId(), d.receipt()}).toList());
        return Arrays.stream(republished).anyMatch(n -> n > 0);
    }

    @Override
    public void release(Delivery delivery, Duration delay) {
        setVisibility(delivery, delay, true);
        if (delay.isZero() || delay.isNegative()) {
            wake();
        }
    }

    @Override
    public void extend(Delivery delivery, Duration visibility) {
        setVisibility(delivery, visibility, false);
    }

    @Override
    public Duration visibilityTimeout() {
        return visibilityTimeout;
    }

    @Override
    public boolean remove(String queue, String jobId) {
        ensureOpen();
        return Jdbc.withConnection(ds, c -> Sql.update(c, "DELETE FROM jobs_broker_messages WHERE job_id = ? AND queue = ?",
                jobId, queue)) > 0;
    }

    @Override
    public Optional<Set<String>> missing(Collection<String> jobIds) {
        ensureOpen();
        List<String> ids = List.copyOf(new HashSet<>(jobIds));
        Set<String> missing = new HashSet<>(ids);
        if (ids.isEmpty()) {
            return Optional.of(missing);
        }
        String sql = "SELECT job_id FROM jobs_broker_messages WHERE job_id IN (" + placeholders(ids.size()) + ")";
        missing.removeAll(Jdbc.withConnection(ds, c -> Sql.list(c, sql, rs -> rs.getString(1), ids.toArray())));
        return Optional.of(missing);
    }

    /** Stops waiting receivers; the messages stay in the database for the next broker on it. */
    @Override
    public void close() {
        closed = true;
        wake();
    }

    /** Moves a held message's visibility; a release also lets go of the receipt so the next receive can take it. */
    private void setVisibility(Delivery delivery, Duration fromNow, boolean letGo) {
        ensureOpen();
        Jdbc.withConnection(ds, c -> Sql.update(c, "UPDATE jobs_broker_messages SET visible_at = ?"
                        + (letGo ? ", receipt = NULL" : "") + " WHERE job_id = ? AND receipt = ?",
                now().plus(fromNow.isNegative() ? Duration.ZERO : fromNow), delivery.jobId(), delivery.receipt()));
    }

    /** Runs a batch in one transaction, again if a concurrent transaction made the database roll it back. */
    private <T> T inTransaction(Jdbc.SqlWork<T> work) {
        return Jdbc.inTransaction(ds, CONFLICTS, ATTEMPTS, work);
    }

    private void wake() {
        synchronized (signal) {
            wakeups++;
            signal.notifyAll();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The embedded broker is closed");
        }
    }

    /** The items whose batch count is {@code count}. */
    private static <T> List<T> where(List<T> items, int[] counts, int count) {
        List<T> out = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == count) {
                out.add(items.get(i));
            }
        }
        return out;
    }

    private static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    /** Now, to the microsecond both databases store. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
