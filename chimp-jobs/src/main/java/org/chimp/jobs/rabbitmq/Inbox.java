package org.chimp.jobs.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.chimp.jobs.broker.Delivery;

/**
 * A broker instance's consuming channel: one consumer per queue, deliveries buffered per queue (most urgent
 * first) until a receiving thread takes them. All receiving threads share it, so a message pushed by RabbitMQ
 * waits for whichever thread asks for its queue next, never for one particular thread.
 * <p>
 * The channel-wide prefetch (QoS) follows the demand: the messages handed out and not settled yet plus the
 * messages that receiving threads are asking for right now, and never less than {@code prefetch} per receiving
 * thread. A receive that asks for more than the QoS has room for raises it at once (see {@link QosRule}), so a
 * thread asking for many messages gets them in one go; the QoS falls back only after a whole second of demand
 * under half of it, so steady traffic changes nothing and costs no round trip. When it falls, buffered messages
 * beyond the new QoS go back to their queue: a worker whose threads are all busy (and asking for nothing) ends up
 * holding only what it runs, and waiting messages stay available to other workers.
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
    /** The QoS rule's clock (System::nanoTime; tests move their own). */
    private final LongSupplier nanoClock;
    private final QosRule rule; // guarded by this
    private long qosChanges; // guarded by this
    private long generation; // guarded by lock
    private long seq; // guarded by lock
    private int held; // handed out, not settled; guarded by lock
    private int asks; // messages asked for by the threads inside poll; guarded by lock

    /** {@code prefetch} is the least QoS per receiving thread; {@code nanoClock} times the QoS rule's windows. */
    Inbox(Channel channel, int prefetch, LongSupplier nanoClock) {
        this.channel = channel;
        this.prefetch = prefetch;
        this.nanoClock = nanoClock;
        this.rule = new QosRule(nanoClock.getAsLong());
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

    /** Counts the calling thread among the receivers, raising the QoS floor if it is a new one. */
    synchronized void register(Thread receiver) throws IOException {
        if (receivers.add(receiver)) {
            receivers.removeIf(t -> !t.isAlive());
            adjust(demand());
        }
    }

    /**
     * Up to {@code max} buffered messages of these queues, most urgent first, waiting up to {@code wait} for the
     * first; empty only if the wait ran out. Raises the QoS first if this ask needs it.
     */
    List<Delivery> poll(List<String> queues, Duration wait, int max) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        int demand;
        lock.lock();
        try {
            asks += max;
            demand = held + asks;
        } finally {
            lock.unlock();
        }
        try {
            adjust(demand); // outside the lock: it may talk to RabbitMQ, and deliveries need the lock
            lock.lock();
            try {
                while (true) {
                    List<Delivery> got = take(queues, max);
                    long nanos = deadline - System.nanoTime();
                    if (!got.isEmpty() || nanos <= 0) {
                        return got;
                    }
                    arrived.awaitNanos(nanos);
                }
            } finally {
                lock.unlock();
            }
        } finally {
            lock.lock();
            asks -= max;
            lock.unlock();
        }
    }

    /** True if the receipt's channel generation is still the live one. */
    boolean current(Receipt r) {
        return current(r.generation());
    }

    private boolean current(long gen) {
        lock.lock();
        try {
            return gen == generation;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Acks the deliveries, or rejects them with or without requeue, one by one under one channel lock (never with
     * {@code multiple}: other threads hold other deliveries of this channel), then adjusts the QoS once. Receipts
     * of a channel that died since are skipped: RabbitMQ requeued their messages.
     */
    void settle(List<Receipt> receipts, boolean ack, boolean requeue) throws IOException {
        List<Receipt> live = new ArrayList<>(receipts.size());
        lock.lock();
        try {
            for (Receipt r : receipts) {
                if (r.generation() == generation) {
                    live.add(r);
                }
            }
        } finally {
            lock.unlock();
        }
        if (live.isEmpty() || !channel.isOpen()) {
            return;
        }
        synchronized (channel) { // channels are not thread-safe
            for (Receipt r : live) {
                if (ack) {
                    channel.basicAck(r.tag(), false);
                } else {
                    channel.basicReject(r.tag(), requeue);
                }
            }
        }
        int demand;
        lock.lock();
        try {
            long settled = live.stream().filter(r -> r.generation() == generation).count();
            held = (int) Math.max(0, held - settled);
            demand = held + asks;
        } finally {
            lock.unlock();
        }
        adjust(demand);
    }

    /** The channel's QoS now (0: not set yet), for tests and diagnostics. */
    synchronized int qos() {
        return rule.qos();
    }

    /** How many times the QoS was changed (one round trip to RabbitMQ each), for tests and diagnostics. */
    synchronized long qosChanges() {
        return qosChanges;
    }

    /** Messages pushed by RabbitMQ and not handed out yet, for tests and diagnostics. */
    int buffered() {
        lock.lock();
        try {
            return buffers.values().stream().mapToInt(PriorityQueue::size).sum();
        } finally {
            lock.unlock();
        }
    }

    /** Up to {@code max} buffered messages, the most urgent heads of the queues' buffers first. Under the lock. */
    private List<Delivery> take(List<String> queues, int max) {
        List<Delivery> got = new ArrayList<>();
        Message m;
        while (got.size() < max && (m = next(queues)) != null) {
            held++;
            Receipt r = new Receipt(m.generation, m.tag, m.priority);
            got.add(new Delivery(m.queue, m.jobId, r.toString(), m.count));
        }
        return got;
    }

    /** Takes the most urgent head of the queues' buffers, or null. Under the lock. */
    private Message next(List<String> queues) {
        PriorityQueue<Message> best = null;
        for (String q : queues) {
            PriorityQueue<Message> b = buffers.get(q);
            if (b != null && !b.isEmpty() && (best == null || ORDER.compare(b.peek(), best.peek()) < 0)) {
                best = b;
            }
        }
        return best == null ? null : best.poll();
    }

    private int demand() {
        lock.lock();
        try {
            return held + asks;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sets the QoS the rule asks for given this demand, if that changed (a round trip to RabbitMQ); when it falls,
     * hands the buffered messages beyond it back to RabbitMQ.
     */
    private synchronized void adjust(int demand) throws IOException {
        int floor = prefetch * Math.max(1, receivers.size());
        int want = rule.next(demand, floor, nanoClock.getAsLong());
        if (want == rule.qos() || !channel.isOpen()) {
            return;
        }
        boolean lower = want < rule.qos();
        synchronized (channel) {
            channel.basicQos(want, true);
        }
        rule.applied(want);
        qosChanges++;
        if (lower) {
            giveBack(want);
        }
    }

    /**
     * Rejects with requeue the least urgent buffered messages that hold the channel above {@code qos}, so that
     * other consumers get them; RabbitMQ puts them back in their place and does not push them here again while
     * the QoS is full.
     */
    private void giveBack(int qos) throws IOException {
        List<Message> excess = new ArrayList<>();
        long gen;
        lock.lock();
        try {
            gen = generation;
            List<Message> all = new ArrayList<>();
            buffers.values().forEach(all::addAll);
            int n = Math.min(all.size(), held + all.size() - qos);
            if (n <= 0) {
                return;
            }
            all.sort(ORDER);
            excess.addAll(all.subList(all.size() - n, all.size()));
            for (Message m : excess) {
                buffers.get(m.queue).remove(m);
            }
        } finally {
            lock.unlock();
        }
        synchronized (channel) {
            if (!channel.isOpen() || !current(gen)) {
                return; // the channel died: RabbitMQ requeued them already
            }
            for (Message m : excess) {
                channel.basicReject(m.tag, true);
            }
        }
    }

    /**
     * When to change the channel's QoS, apart from the channel so that it can be tested alone; the inbox applies
     * what it says. The demand is what the channel must be allowed to hold: messages handed out and not settled
     * plus messages asked for. Raises at once to at least the demand, by half the QoS at least, so that a growing
     * demand takes few round trips; lowers only at the end of a window (a second) whose highest demand was under
     * half the QoS, and then to that highest demand, so that steady traffic never changes it. Not thread-safe.
     */
    static final class QosRule {
        /** How long the demand must stay under half the QoS before the QoS falls. */
        static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
        /** AMQP's prefetch count is an unsigned short. */
        static final int MAX = 65_535;
        private int qos; // 0 until the first adjustment (AMQP's 0 means unlimited)
        private int peak; // highest demand since windowStart
        private long windowStart;

        QosRule(long now) {
            this.windowStart = now;
        }

        /** The QoS to have now, given the demand and the least QoS ({@code floor}); call at every change of demand. */
        int next(int demand, int floor, long now) {
            peak = Math.max(peak, demand);
            int need = Math.min(MAX, Math.max(floor, demand));
            if (need > qos) {
                return Math.min(MAX, Math.max(need, qos + qos / 2));
            }
            if (now - windowStart < WINDOW_NANOS) {
                return qos;
            }
            int enough = Math.min(MAX, Math.max(floor, peak));
            windowStart = now;
            peak = demand;
            return qos > 2 * enough ? enough : qos;
        }

        /** The QoS the channel has now. */
        int qos() {
            return qos;
        }

        /** Records that the channel has this QoS now. */
        void applied(int qos) {
            this.qos = qos;
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
