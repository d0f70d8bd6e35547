package org.chimp.jobs.broker;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Carries job ids from publishers to workers with at-least-once delivery: a received message that is neither
 * acknowledged nor released becomes visible again after the visibility timeout, so a dead worker's job is
 * delivered again. Implementations: embedded (database-backed) now, Redis Streams and RabbitMQ next.
 */
public interface Broker extends AutoCloseable {
    /** Publishes a job id on a queue; higher priority is delivered first. */
    void publish(String queue, String jobId, int priority);

    /** Waits up to {@code wait} for a message on any of the queues. */
    Optional<Delivery> receive(List<String> queues, Duration wait);

    /** The message is done: it will not be delivered again. */
    void ack(Delivery delivery);

    /** Gives the message back, to be delivered again after {@code delay}. */
    void release(Delivery delivery, Duration delay);

    /** Keeps a message invisible to others for {@code visibility} more (the worker's heartbeat). */
    void extend(Delivery delivery, Duration visibility);

    @Override
    void close();
}
