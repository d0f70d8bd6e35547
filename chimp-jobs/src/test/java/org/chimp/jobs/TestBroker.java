package org.chimp.jobs;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.Delivery;

/**
 * A broker that delegates to another one, with faults a test switches on: publishes to some queues fail (the
 * broker is down), and extends can be dropped (a worker whose heartbeats come too late).
 */
final class TestBroker implements Broker {
    private final Broker delegate;
    volatile Predicate<String> failPublishTo = q -> false;
    volatile boolean dropExtends;

    TestBroker(Broker delegate) {
        this.delegate = delegate;
    }

    @Override
    public void publish(String queue, String jobId, int priority) {
        if (failPublishTo.test(queue)) {
            throw new IllegalStateException("broker down for " + queue);
        }
        delegate.publish(queue, jobId, priority);
    }

    @Override
    public Optional<Delivery> receive(List<String> queues, Duration wait) {
        return delegate.receive(queues, wait);
    }

    @Override
    public void ack(Delivery delivery) {
        delegate.ack(delivery);
    }

    @Override
    public void release(Delivery delivery, Duration delay) {
        delegate.release(delivery, delay);
    }

    @Override
    public void extend(Delivery delivery, Duration visibility) {
        if (!dropExtends) {
            delegate.extend(delivery, visibility);
        }
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
        // the fixture closes the delegate
    }
}
