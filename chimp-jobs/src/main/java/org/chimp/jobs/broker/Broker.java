package org.chimp.jobs.broker;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Carries job ids from publishers to workers with at-least-once delivery: a received message that is neither
 * acknowledged nor released becomes visible again after the visibility timeout, so a dead worker's job is
 * delivered again. Implementations: embedded (database-backed) now, Redis Streams and RabbitMQ next.
 * <p>
 * A broker carries only ids; the job record in the database stays the truth, so workers must tolerate duplicate
 * deliveries (they do: a delivery of a finished job is acknowledged and skipped).
 */
public interface Broker extends AutoCloseable {
    /** Publishes a job id on a queue; higher priority is delivered first. */
    void publish(String queue, String jobId, int priority);

    /** Waits up to {@code wait} for a message on any of the queues. */
    Optional<Delivery> receive(List<String> queues, Duration wait);

    /** The message is done: it will not be delivered again. A stale delivery (redelivered since) is ignored. */
    void ack(Delivery delivery);

    /** Gives the message back, to be delivered again after {@code delay}. */
    void release(Delivery delivery, Duration delay);

    /** Keeps a message invisible to others for {@code visibility} more (the worker's heartbeat). */
    void extend(Delivery delivery, Duration visibility);

    /**
     * How long a received message stays invisible without {@link #extend}; workers send heartbeats at a fraction
     * of it (for Redis Streams the pending-entry idle time after which entries are reclaimed).
     */
    Duration visibilityTimeout();

    /**
     * Drops a job's message that is waiting to be delivered (a cancelled queued job), if the broker can find
     * it by job id. Brokers that cannot (a RabbitMQ queue is not searchable) return false; the message is then
     * delivered and skipped because its job is final.
     */
    default boolean remove(String queue, String jobId) {
        return false;
    }

    /**
     * Which of these jobs have no message at all (neither waiting nor held by a receiver), for diagnostics and
     * tests. Empty when the broker cannot tell cheaply (streams and AMQP queues cannot be searched by job id).
     * The recovery sweep does not need it: a job's record says whether its publish is still pending.
     */
    default Optional<Set<String>> missing(Collection<String> jobIds) {
        return Optional.empty();
    }

    @Override
    void close();
}
