package org.chimp.jobs.broker;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A broker that passes every call to another one; subclasses override the calls they watch or change (the
 * bench counts acks, tests inject faults). Closing it does not close the wrapped broker: that belongs to whoever
 * created it.
 */
public abstract class ForwardingBroker implements Broker {
    private final Broker delegate;

    protected ForwardingBroker(Broker delegate) {
        this.delegate = delegate;
    }

    @Override
    public void publish(String queue, String jobId, int priority) {
        delegate.publish(queue, jobId, priority);
    }

    @Override
    public void publishAll(List<Message> messages) {
        delegate.publishAll(messages);
    }

    @Override
    public List<Delivery> receive(List<String> queues, Duration wait, int max) {
        return delegate.receive(queues, wait, max);
    }

    @Override
    public void ack(Delivery delivery) {
        delegate.ack(delivery);
    }

    @Override
    public void ackAll(Collection<Delivery> deliveries) {
        delegate.ackAll(deliveries);
    }

    @Override
    public void release(Delivery delivery, Duration delay) {
        delegate.release(delivery, delay);
    }

    @Override
    public void extend(Delivery delivery, Duration visibility) {
        delegate.extend(delivery, visibility);
    }

    @Override
    public Duration visibilityTimeout() {
        return delegate.visibilityTimeout();
    }

    @Override
    public boolean remove(String queue, String jobId) {
        return delegate.remove(queue, jobId);
    }

    @Override
    public Optional<Set<String>> missing(Collection<String> jobIds) {
        return delegate.missing(jobIds);
    }

    @Override
    public void close() {
        // The wrapped broker is closed by its owner.
    }
}
