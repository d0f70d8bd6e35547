package org.chimp.jobs;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.Delivery;
import org.chimp.jobs.broker.ForwardingBroker;
import org.chimp.jobs.broker.Message;

/**
 * A broker that delegates to another one, with faults a test switches on: publishes to some queues fail (the
 * broker is down), and extends can be dropped (a worker whose heartbeats come too late). It counts extends and
 * releases, so that tests wait for those events rather than for fixed times.
 */
final class TestBroker extends ForwardingBroker {
    volatile Predicate<String> failPublishTo = q -> false;
    volatile boolean dropExtends;
    final AtomicInteger extendCalls = new AtomicInteger();
    final AtomicInteger releases = new AtomicInteger();

    TestBroker(Broker delegate) {
        super(delegate);
    }

    @Override
    public void publish(String queue, String jobId, int priority) {
        if (failPublishTo.test(queue)) {
            throw new IllegalStateException("broker down for " + queue);
        }
        super.publish(queue, jobId, priority);
    }

    @Override
    public void publishAll(List<Message> messages) {
        messages.forEach(m -> {
            if (failPublishTo.test(m.queue())) {
                throw new IllegalStateException("broker down for " + m.queue());
            }
        });
        super.publishAll(messages);
    }

    @Override
    public void release(Delivery delivery, Duration delay) {
        super.release(delivery, delay);
        releases.incrementAndGet();
    }

    @Override
    public void extend(Delivery delivery, Duration visibility) {
        extendCalls.incrementAndGet();
        if (!dropExtends) {
            super.extend(delivery, visibility);
        }
    }
}
