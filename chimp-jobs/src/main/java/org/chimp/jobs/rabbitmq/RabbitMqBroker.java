package org.chimp.jobs.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.BrokerOptions;
import org.chimp.jobs.broker.Delivery;
import org.chimp.jobs.broker.Message;
import org.chimp.jobs.rabbitmq.Inbox.Receipt;

/**
 * A broker on RabbitMQ: a durable queue {@code chimp.jobs.<queue>} per CHIMP queue with priorities 0-9
 * ({@code x-max-priority}), persistent messages, and publishes that return only once RabbitMQ confirmed them (a
 * batch is sent whole, then confirmed once). Messages rejected without requeue go to the dead-letter exchange
 * {@code chimp.jobs.dlx} and its queue {@code chimp.jobs.dead}.
 * <p>
 * Receiving threads share one consuming channel whose prefetch (QoS) follows what they hold and ask for, never
 * under {@link BrokerOptions#prefetch} (1 by default) per receiving thread, so a worker holds about as many
 * messages as it runs and asks for (see {@link Inbox}). A batch receive takes what is buffered in one go; a batch
 * ack sends one ack per delivery (never {@code multiple}: other threads hold other deliveries of the channel)
 * under one channel lock. An unacknowledged message goes back to its queue when its channel or connection dies;
 * there is no visibility timeout, so {@link #extend} does nothing and a live but stuck receiver keeps its message
 * until its connection closes or RabbitMQ's {@code consumer_timeout} (30 min by default) closes its channel.
 * <p>
 * A release with a delay publishes the message to a delay queue {@code chimp.jobs.<queue>.delay.<ms>} whose
 * message TTL dead-letters it back to the queue, then acks the original. Delays are rounded up to two significant
 * digits so that the number of delay queues stays small (they delete themselves when unused).
 */
public final class RabbitMqBroker implements Broker {
    /** The dead-letter exchange and queue. */
    public static final String DLX = "chimp.jobs.dlx";
    public static final String DEAD = "chimp.jobs.dead";
    /** Header counting the deliveries before the message was republished (a delayed release). */
    static final String DELIVERIES = "x-chimp-deliveries";
    static final int MAX_PRIORITY = 9;
    private static final long CONFIRM_TIMEOUT_MILLIS = 10_000;

    private final Connection connection;
    private final int prefetch;
    private final Duration visibilityTimeout;
    private final LongSupplier nanoClock;
    private final Object publishLock = new Object();
    private Channel publisher; // guarded by publishLock
    private final Set<String> declared = ConcurrentHashMap.newKeySet();
    private Inbox inbox; // created on the first receive, guarded by this
    private volatile boolean closed;

    /** Connects to {@code amqp://user:pass@host:port/vhost}; fails at once if RabbitMQ is not reachable. */
    public RabbitMqBroker(String url, BrokerOptions options) {
        this(url, options, System::nanoTime);
    }

    /** With the clock that times prefetch changes ({@link Inbox.QosRule}): tests move one of their own. */
    RabbitMqBroker(String url, BrokerOptions options, LongSupplier nanoClock) {
        this.connection = RabbitConnections.connect(url, "chimp-jobs");
        this.prefetch = options.prefetch();
        this.visibilityTimeout = options.visibilityTimeout();
        this.nanoClock = nanoClock;
    }

    /** The AMQP queue of a CHIMP queue. */
    public static String queueName(String queue) {
        return "chimp.jobs." + queue;
    }

    /** Returns once RabbitMQ has the message on disk (publisher confirm), or throws. */
    @Override
    public void publish(String queue, String jobId, int priority) {
        publishAll(List.of(new Message(queue, jobId, priority)));
    }

    /**
     * Publishes every message on the publishing channel, then waits once for RabbitMQ to confirm them all (up to
     * 10 s for the whole batch); throws if any was nacked or the confirms did not come.
     */
    @Override
    public void publishAll(List<Message> messages) {
        if (messages.isEmpty()) {
            return;
        }
        String what = messages.size() == 1 ? "job " + messages.get(0).jobId() : messages.size() + " jobs";
        confirmed(what, ch -> {
            for (Message m : messages) {
                declare(ch, m.queue());
                ch.basicPublish("", queueName(m.queue()), properties(m.priority(), 0),
                        m.jobId().getBytes(StandardCharsets.UTF_8));
            }
        });
    }

    /** Takes up to {@code max} of the messages buffered for these queues at once, waiting only for the first. */
    @Override
    public List<Delivery> receive(List<String> queues, Duration wait, int max) {
        Broker.checkReceive(queues, max);
        if (closed) {
            return List.of();
        }
        try {
            Inbox in = inbox();
            in.register(Thread.currentThread());
            for (String q : queues) {
                if (!declared.contains(q)) {
                    synchronized (publishLock) {
                        declare(publisher(), q);
                    }
                }
                in.consume(q, queueName(q));
            }
            return in.poll(queues, wait, max);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not consume from " + queues + " on RabbitMQ", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    @Override
    public void ack(Delivery delivery) {
        settle(List.of(delivery), true, false);
    }

    /** Acks each delivery (not with {@code multiple}) under one channel lock, adjusting the prefetch once. */
    @Override
    public void ackAll(Collection<Delivery> deliveries) {
        settle(deliveries, true, false);
    }

    /**
     * Without delay: rejected with requeue, so it goes back to its place in the queue. With a delay: republished
     * to the delay queue (confirmed) and then acked; were the process to die in between, the original comes back
     * too, a duplicate the worker tolerates.
     */
    @Override
    public void release(Delivery delivery, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            settle(List.of(delivery), false, true);
            return;
        }
        Receipt r = Receipt.parse(delivery.receipt());
        Inbox in = existingInbox();
        if (in == null || !in.current(r)) {
            return; // its channel died: RabbitMQ delivers the message again by itself
        }
        long ms = roundUp(delay.toMillis());
        String delayQueue = queueName(delivery.queue()) + ".delay." + ms;
        confirmed("job " + delivery.jobId(), ch -> {
            declare(ch, delivery.queue());
            ch.queueDeclare(delayQueue, true, false, false, Map.of("x-message-ttl", ms,
                    "x-dead-letter-exchange", "", "x-dead-letter-routing-key", queueName(delivery.queue()),
                    "x-expires", ms * 2 + 60_000));
            ch.basicPublish("", delayQueue, properties(r.priority(), delivery.deliveryCount()),
                    delivery.jobId().getBytes(StandardCharsets.UTF_8));
        });
        settle(List.of(delivery), true, false);
    }

    /** Nothing to do: RabbitMQ keeps an unacknowledged message with its receiver as long as the channel lives. */
    @Override
    public void extend(Delivery delivery, Duration visibility) {
        Receipt.parse(delivery.receipt());
    }

    /** Only sets the workers' heartbeat period here; redelivery follows the receiver's connection. */
    @Override
    public Duration visibilityTimeout() {
        return visibilityTimeout;
    }

    /** Closes the connection: RabbitMQ requeues every message this instance received and did not ack. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            connection.close();
        } catch (IOException | RuntimeException e) {
            connection.abort();
        }
    }

    /** The deliveries so far, this one included: RabbitMQ only says whether a message was delivered before. */
    static int deliveries(AMQP.BasicProperties props, boolean redelivered) {
        Object before = props.getHeaders() == null ? null : props.getHeaders().get(DELIVERIES);
        int n = before instanceof Number num ? num.intValue() : 0;
        return n + (redelivered ? 2 : 1);
    }

    /** Rounds up to two significant digits: 1234 → 1300, never earlier than asked. */
    static long roundUp(long millis) {
        long unit = 1;
        while (millis / unit >= 100) {
            unit *= 10;
        }
        return Math.max(1, (millis + unit - 1) / unit * unit);
    }

    private void settle(Collection<Delivery> deliveries, boolean ack, boolean requeue) {
        if (deliveries.isEmpty()) {
            return;
        }
        List<Receipt> receipts = deliveries.stream().map(d -> Receipt.parse(d.receipt())).toList();
        Inbox in = existingInbox();
        if (in == null) {
            return;
        }
        try {
            in.settle(receipts, ack, requeue);
        } catch (IOException e) {
            String what = deliveries.size() == 1 ? "job " + deliveries.iterator().next().jobId()
                    : deliveries.size() + " jobs";
            throw new UncheckedIOException("Could not " + (ack ? "ack " : "reject ") + what, e);
        } catch (ShutdownSignalException e) {
            // The channel died meanwhile; RabbitMQ requeued the messages, which makes these stale deliveries.
        }
    }

    /** What {@link #confirmed} runs on the publishing channel. */
    private interface Publishing {
        void on(Channel ch) throws IOException;
    }

    /**
     * Runs the publishes on the confirm-mode channel, then waits once for RabbitMQ to confirm all of them; on a
     * nack or a timeout the client closes the channel and the next publish opens a new one.
     */
    private void confirmed(String what, Publishing publishing) {
        ensureOpen();
        synchronized (publishLock) {
            try {
                Channel ch = publisher();
                publishing.on(ch);
                ch.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
            } catch (IOException e) {
                throw new UncheckedIOException("RabbitMQ did not take " + what, e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("RabbitMQ did not confirm " + what + " within "
                        + CONFIRM_TIMEOUT_MILLIS + " ms", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while publishing " + what, e);
            }
        }
    }

    /** Persistent, with the priority clamped to 0-9 and the deliveries so far (0: a first publish). */
    private static AMQP.BasicProperties properties(int priority, int deliveries) {
        AMQP.BasicProperties.Builder props = MessageProperties.PERSISTENT_BASIC.builder()
                .priority(Math.max(0, Math.min(MAX_PRIORITY, priority)));
        if (deliveries > 0) {
            props.headers(Map.of(DELIVERIES, deliveries));
        }
        return props.build();
    }

    /** The confirm-mode publishing channel, replaced if a channel error (not a connection loss) closed it. */
    private Channel publisher() throws IOException {
        if (publisher == null || !publisher.isOpen()) {
            publisher = connection.createChannel();
            publisher.confirmSelect();
        }
        return publisher;
    }

    /** Declares a queue (and the dead-letter exchange) once per instance; declaring is idempotent in RabbitMQ. */
    private void declare(Channel ch, String queue) throws IOException {
        if (declared.contains(queue)) {
            return;
        }
        ch.exchangeDeclare(DLX, BuiltinExchangeType.FANOUT, true);
        ch.queueDeclare(DEAD, true, false, false, null);
        ch.queueBind(DEAD, DLX, "");
        try {
            ch.queueDeclare(queueName(queue), true, false, false,
                    Map.of("x-max-priority", MAX_PRIORITY, "x-dead-letter-exchange", DLX));
        } catch (IOException e) {
            throw new IOException("Could not declare queue " + queueName(queue) + " (if it exists with other "
                    + "arguments, delete it or pick another queue name): " + e.getMessage(), e);
        }
        declared.add(queue);
    }

    private synchronized Inbox inbox() throws IOException {
        if (inbox == null) {
            inbox = new Inbox(connection.createChannel(), prefetch, nanoClock);
        }
        return inbox;
    }

    /** The consuming channel's inbox, null before the first receive; tests look at its prefetch. */
    synchronized Inbox existingInbox() {
        return inbox;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The RabbitMQ broker is closed");
        }
    }
}
