package org.chimp.jobs.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.chimp.jobs.broker.Delivery;

/**
 * A broker instance's consuming channel: one consumer per queue, deliveries buffered per queue (most urgent
 * first) until a receiving thread takes them. All receiving threads share it, so a message pushed by RabbitMQ
 * waits for whichever thread asks for its queue next, never for one particular thread.
 * <p>
 * The channel-wide prefetch is {@code prefetch} × the number of receiving threads: a worker whose threads are all
 * busy holds no waiting messages, which stay available to other workers. Should the messages handed out plus the
 * threads waiting for one exceed that (a thread holding several messages), the prefetch rises so that a waiting
 * thread is not starved by its own unacknowledged messages, and falls back once they are settled.
 * <p>
 * When the channel dies RabbitMQ requeues its unacknowledged messages; the generation then moves on, so buffered
 * deliveries of the dead channel are dropped and their receipts turn stale instead of acknowledging an unrelated
 * delivery tag of the recovered channel.
 */
final class Inbox {
    private static final Comparator<Message> ORDER =
            Comparator.comparingInt(Message::priority).reversed().thenComparingLong(Message::seq);

    private final Channel channel;
    private final int prefetch;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Map<String, PriorityQueue<Message>> buffers = new HashMap<>(); // guarded by lock
    private final Set<Thread> receivers = new HashSet<>(); // guarded by this
    private int qos; // guarded by this
    private long generation; // guarded by lock
    private long seq; // guarded by lock
    private int held; // handed out, not settled; guarded by lock
    private int waiters; // threads waiting with nothing buffered; guarded by lock

    Inbox(Channel channel, int prefetch) {
        this.channel = channel;
        this.prefetch = prefetch;
        channel.addShutdownListener(cause -> {
            lock.lock();
            try {
                generation++;
                held = 0;
                buffers.values().forEach(PriorityQueue::clear);
            } finally {
                lock.unlock();
            }
        });
    }

    /** Starts consuming a queue (CHIMP name, AMQP name) unless this inbox already does. */
    synchronized void consume(String queue, String amqpQueue) throws IOException {
        lock.lock();
        try {
            if (buffers.containsKey(queue)) {
                return;
            }
            buffers.put(queue, new PriorityQueue<>(ORDER));
        } finally {
            lock.unlock();
        }
        channel.basicConsume(amqpQueue, false, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                lock.lock();
                try {
                    buffers.get(queue).add(new Message(++seq, generation, queue,
                            new String(body, StandardCharsets.UTF_8), env.getDeliveryTag(),
                            RabbitMqBroker.deliveries(props, env.isRedeliver()),
                            props.getPriority() == null ? 0 : props.getPriority()));
                    arrived.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        });
    }

    /** Counts the calling thread among the receivers, raising the prefetch if it is a new one. */
    synchronized void register(Thread receiver) throws IOException {
        if (receivers.add(receiver)) {
            receivers.removeIf(t -> !t.isAlive());
            adjust();
        }
    }

    /** The most urgent buffered message of these queues, waiting up to {@code wait} for one. */
    Optional<Delivery> poll(List<String> queues, Duration wait) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        boolean waiting = false;
        try {
            while (true) {
                lock.lock();
                try {
                    Message m = take(queues);
                    if (m != null) {
                        held++;
                        Receipt r = new Receipt(m.generation, m.tag, m.priority);
                        return Optional.of(new Delivery(m.queue, m.jobId, r.toString(), m.count));
                    }
                    long nanos = deadline - System.nanoTime();
                    if (nanos <= 0) {
                        return Optional.empty();
                    }
                    if (waiting) {
                        arrived.awaitNanos(nanos);
                        continue;
                    }
                    waiting = true;
                    waiters++;
                } finally {
                    lock.unlock();
                }
                adjust(); // outside the lock: it talks to RabbitMQ, and deliveries need the lock
            }
        } finally {
            if (waiting) {
                lock.lock();
                waiters--;
                lock.unlock();
            }
        }
    }

    /** True if the receipt's channel generation is still the live one. */
    boolean current(Receipt r) {
        lock.lock();
        try {
            return r.generation() == generation;
        } finally {
            lock.unlock();
        }
    }

    /** Acks, or rejects with or without requeue; nothing for a receipt of a channel that died since. */
    void settle(Receipt r, boolean ack, boolean requeue) throws IOException {
        if (!current(r) || !channel.isOpen()) {
            return;
        }
        synchronized (channel) { // channels are not thread-safe
            if (ack) {
                channel.basicAck(r.tag(), false);
            } else {
                channel.basicReject(r.tag(), requeue);
            }
        }
        lock.lock();
        try {
            if (r.generation() == generation) {
                held = Math.max(0, held - 1);
            }
        } finally {
            lock.unlock();
        }
        adjust();
    }

    /** The buffered message to hand out next: the most urgent head of the queues' buffers. Under the lock. */
    private Message take(List<String> queues) {
        PriorityQueue<Message> best = null;
        for (String q : queues) {
            PriorityQueue<Message> b = buffers.get(q);
            if (b != null && !b.isEmpty() && (best == null || ORDER.compare(b.peek(), best.peek()) < 0)) {
                best = b;
            }
        }
        return best == null ? null : best.poll();
    }

    /** Sets the prefetch to what the receivers need now, if that changed (a round trip to RabbitMQ). */
    private synchronized void adjust() throws IOException {
        int busy;
        lock.lock();
        try {
            busy = held + waiters;
        } finally {
            lock.unlock();
        }
        int want = prefetch * Math.max(Math.max(1, receivers.size()), busy);
        if (want != qos && channel.isOpen()) {
            channel.basicQos(want, true);
            qos = want;
        }
    }

    private record Message(long seq, long generation, String queue, String jobId, long tag, int count, int priority) {
    }

    /** Which channel generation delivered which tag, and the message's priority (kept on a delayed release). */
    record Receipt(long generation, long tag, int priority) {
        static Receipt parse(String s) {
            String[] p = s.split(" ");
            if (p.length != 3) {
                throw new IllegalArgumentException("Not a RabbitMQ broker receipt: '" + s + "'");
            }
            return new Receipt(Long.parseLong(p[0]), Long.parseLong(p[1]), Integer.parseInt(p[2]));
        }

        @Override
        public String toString() {
            return generation + " " + tag + " " + priority;
        }
    }
}
