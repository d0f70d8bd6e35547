package org.chimp.jobs.broker;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Carries job ids from publishers to workers with at-least-once delivery: a received message that is neither
 * acknowledged nor released becomes visible again after the visibility timeout, so a dead worker's job is
 * delivered again. Implementations: embedded (database-backed), Redis Streams and RabbitMQ.
 * <p>
 * A broker carries only ids; the job record in the database stays the truth, so workers must tolerate duplicate
 * deliveries (they do: a delivery of a finished job is acknowledged and skipped).
 */
public interface Broker extends AutoCloseable {
    /** Publishes a job id on a queue; higher priority is delivered first. */
    void publish(String queue, String jobId, int priority);

    /**
     * Publishes several job ids, each as {@link #publish} would; brokers that can send them in one round trip do.
     * When it returns, every message is published; when it throws, any of them may have been.
     */
    default void publishAll(List<Message> messages) {
        for (Message m : messages) {
            publish(m.queue(), m.jobId(), m.priority());
        }
    }

    /**
     * Waits up to {@code wait} for messages on any of the queues and returns at most {@code max}, most urgent
     * first: empty only if the wait ran out. Each is a delivery of its own, to ack or release on its own. Every
     * broker fetches a batch in one round trip, so this is the call implementations provide.
     */
    List<Delivery> receive(List<String> queues, Duration wait, int max);

    /** Waits up to {@code wait} for one message on any of the queues: a receive of at most one. */
    default Optional<Delivery> receive(List<String> queues, Duration wait) {
        List<Delivery> got = receive(queues, wait, 1);
        return got.isEmpty() ? Optional.empty() : Optional.of(got.get(0));
    }

    /** Rejects a receive from no queue or of fewer than one message; for implementations. */
    static void checkReceive(List<String> queues, int max) {
        if (queues.isEmpty()) {
            throw new IllegalArgumentException("Receive needs at least one queue");
        }
        if (max < 1) {
            throw new IllegalArgumentException("A receive takes at least one message, got max " + max);
        }
    }

    /** The message is done: it will not be delivered again. A stale delivery (redelivered since) is ignored. */
    void ack(Delivery delivery);

    /** Acks several deliveries, each as {@link #ack} would; brokers that can in one round trip do. */
    default void ackAll(Collection<Delivery> deliveries) {
        for (Delivery d : deliveries) {
            ack(d);
        }
    }

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
