package org.chimp.jobs.redis;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Supplier;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.BrokerOptions;
import org.chimp.jobs.broker.Delivery;
import org.chimp.jobs.broker.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker on Redis Streams. Each queue has one stream per priority level 0-9 ({@code <prefix><queue>:<level>}),
 * read by the consumer group {@code chimp-workers}, and a sorted set {@code <prefix><queue>:delayed} of released
 * messages waiting for their delay. Every broker instance is its own consumer.
 * <p>
 * A receive first reclaims (XAUTOCLAIM) entries pending longer than the visibility timeout, which is how a dead
 * receiver's messages come back, then reads new ones, most urgent level first; under load the reclaim and the
 * move of due delayed messages run at most every second (a quarter visibility timeout if shorter). Both, and the move of due delayed
 * messages, happen in one Lua script, so receivers never see a half-done step. When nothing is ready it blocks in
 * XREADGROUP on a pooled connection of its own (so it does not hold up other commands) for at most a second at a
 * time, then looks again for reclaimable and due messages.
 * <p>
 * Receipts name the consumer and the entry's delivery count, and every ack, release or extend checks them in the
 * same script that acts: a receipt whose entry was reclaimed since is stale and changes nothing.
 * <p>
 * Durability is Redis's own: without AOF ({@code appendonly yes}) a Redis restart loses queued messages. See
 * BROKERS.md.
 */
public final class RedisStreamsBroker implements Broker {
    /** The consumer group every CHIMP worker reads with. */
    public static final String GROUP = "chimp-workers";
    /** Priority levels: each has its own stream, so priorities are exact (0-9, as jobs allow). */
    static final int LEVELS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamsBroker.class);
    private static final long MAX_BLOCK_MILLIS = 1000;
    /**
     * Receives skip the housekeeping (moving due delayed messages, reclaiming a dead receiver's entries) unless it
     * was last done this long ago (at most a quarter of the visibility timeout) or a delayed message is due, and
     * blocking reads end when it is due. Saves ~20 commands per receive under load, and costs nothing when idle.
     */
    private static final long MAX_HOUSEKEEPING_MILLIS = 1000;
    /** Entries {@link #remove} looks at per stream; removal is a courtesy, not worth blocking Redis for long. */
    private static final int REMOVE_SCAN = 10_000;
    private static final LuaScript RECEIVE = LuaScript.load("receive.lua");
    private static final LuaScript PUBLISH = LuaScript.load("publish.lua");
    private static final LuaScript ACK = LuaScript.load("ack.lua");
    private static final LuaScript RELEASE = LuaScript.load("release.lua");
    private static final LuaScript EXTEND = LuaScript.load("extend.lua");
    private static final LuaScript REMOVE = LuaScript.load("remove.lua");
    private static final LuaScript ENSURE = LuaScript.load("ensure.lua");
    private static final LuaScript FORGET = LuaScript.load("forget.lua");

    private final String prefix;
    private final Duration visibilityTimeout;
    private final String consumer = "chimp-" + UUID.randomUUID();
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> shared;
    /** Connections for blocking reads, one per concurrently receiving thread, reused. */
    private final ConcurrentLinkedDeque<StatefulRedisConnection<String, String>> idle = new ConcurrentLinkedDeque<>();
    private final Set<StatefulRedisConnection<String, String>> blocking = ConcurrentHashMap.newKeySet();
    private final Set<String> ensured = ConcurrentHashMap.newKeySet();
    private final Map<String, String> cursors = new ConcurrentHashMap<>();
    /** Per queue list received from: when its housekeeping is next due (System.nanoTime). */
    private final Map<List<String>, Long> housekeepingDue = new ConcurrentHashMap<>();
    private final long housekeepingNanos;
    private volatile boolean closed;

    /** Connects to {@code redis://host:port[/db]}; fails at once if Redis is not reachable. */
    public RedisStreamsBroker(String url, BrokerOptions options) {
        this.prefix = options.redisKeyPrefix();
        this.visibilityTimeout = options.visibilityTimeout();
        this.housekeepingNanos = Math.min(MAX_HOUSEKEEPING_MILLIS, Math.max(1, visibilityTimeout.toMillis() / 4)) * 1_000_000;
        this.client = RedisClients.create(url, consumer);
        try {
            this.shared = client.connect();
        } catch (RedisException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw new IllegalStateException("Cannot connect to Redis at " + url + ": " + e.getMessage(), e);
        }
    }

    /** This instance's consumer name in the group (also its Redis client name). */
    public String consumerName() {
        return consumer;
    }

    @Override
    public void publish(String queue, String jobId, int priority) {
        ensureOpen();
        int level = level(priority);
        withGroups(List.of(queue), () -> shared.sync().xadd(stream(queue, level),
                Map.of("job", jobId, "priority", Integer.toString(level), "n", "0")));
    }

    /** All messages in one script call: one round trip however many there are. */
    @Override
    public void publishAll(List<Message> messages) {
        ensureOpen();
        if (messages.isEmpty()) {
            return;
        }
        String[] keys = new String[messages.size()];
        String[] args = new String[messages.size() * 2];
        for (int i = 0; i < keys.length; i++) {
            Message m = messages.get(i);
            int level = level(m.priority());
            keys[i] = stream(m.queue(), level);
            args[2 * i] = m.jobId();
            args[2 * i + 1] = Integer.toString(level);
        }
        List<String> queues = messages.stream().map(Message::queue).distinct().toList();
        withGroups(queues, () -> PUBLISH.run(shared.sync(), ScriptOutputType.INTEGER, keys, args));
    }

    /** Reclaimed and new entries in one script call, blocking on a connection of its own when there are none. */
    @Override
    public List<Delivery> receive(List<String> queues, Duration wait, int max) {
        Broker.checkReceive(queues, max);
        List<Target> targets = targets(queues);
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            boolean housekeep = false;
            while (!closed) {
                long now = System.nanoTime();
                Long due = housekeepingDue.get(queues);
                boolean h = housekeep || due == null || now - due >= 0;
                housekeep = false;
                Received a = withGroups(queues, () -> attempt(queues, targets, h, max));
                if (h) {
                    long next = now + housekeepingNanos;
                    if (a.nextDueMillis >= 0) {
                        next = Math.min(next, now + a.nextDueMillis * 1_000_000);
                    }
                    housekeepingDue.put(queues, next);
                }
                if (!a.deliveries.isEmpty()) {
                    return a.deliveries;
                }
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return List.of();
                }
                // Wake for the next housekeeping at the latest: a delayed message may fall due, an entry expire.
                long untilHousekeeping = (housekeepingDue.get(queues) - System.nanoTime()) / 1_000_000;
                long block = Math.max(1, Math.min(Math.min(left, MAX_BLOCK_MILLIS), untilHousekeeping));
                long b = block;
                List<Delivery> d = withGroups(queues, () -> blockingRead(targets, b, max));
                if (!d.isEmpty()) {
                    return d;
                }
                housekeep = true; // the wait may have been for a delayed or reclaimable message
            }
        } catch (RedisException e) {
            if (!closed) {
                throw e;
            }
        }
        return List.of();
    }

    @Override
    public void ack(Delivery delivery) {
        ackAll(List.of(delivery));
    }

    /** All in one script call, which checks each receipt. */
    @Override
    public void ackAll(Collection<Delivery> deliveries) {
        if (deliveries.isEmpty()) {
            return;
        }
        String[] keys = new String[deliveries.size()];
        String[] args = new String[deliveries.size() * 3];
        int i = 0;
        for (Delivery d : deliveries) {
            RedisReceipt r = RedisReceipt.decode(d.receipt());
            keys[i] = stream(d.queue(), r.level());
            args[3 * i] = r.entryId();
            args[3 * i + 1] = r.consumer();
            args[3 * i + 2] = Long.toString(r.count());
            i++;
        }
        run(ACK, keys, args);
    }

    @Override
    public void release(Delivery delivery, Duration delay) {
        RedisReceipt r = RedisReceipt.decode(delivery.receipt());
        run(RELEASE, new String[] {stream(delivery.queue(), r.level()), delayed(delivery.queue())}, r.entryId(),
                r.consumer(), Long.toString(r.count()), Long.toString(Math.max(0, delay.toMillis())),
                Integer.toString(r.level()));
    }

    /**
     * Resets the entry's idle time: it stays with this receiver for a full visibility timeout more. Redis cannot
     * set an idle time in the future, so {@code visibility} beyond the broker's timeout counts as the timeout;
     * workers extend with {@link #visibilityTimeout()} anyway.
     */
    @Override
    public void extend(Delivery delivery, Duration visibility) {
        RedisReceipt r = RedisReceipt.decode(delivery.receipt());
        run(EXTEND, new String[] {stream(delivery.queue(), r.level())}, r.entryId(), r.consumer(), Long.toString(r.count()));
    }

    @Override
    public Duration visibilityTimeout() {
        return visibilityTimeout;
    }

    /** Looks through the queue's streams (up to 10,000 entries each) and its delayed set for the job's messages. */
    @Override
    public boolean remove(String queue, String jobId) {
        ensureOpen();
        List<String> keys = new ArrayList<>();
        for (int level = 0; level < LEVELS; level++) {
            keys.add(stream(queue, level));
        }
        keys.add(delayed(queue));
        Long removed = withGroups(List.of(queue), () -> REMOVE.run(shared.sync(), ScriptOutputType.INTEGER,
                keys.toArray(String[]::new), GROUP, jobId, Integer.toString(REMOVE_SCAN)));
        return removed != null && removed > 0;
    }

    /**
     * Always empty: a stream cannot be searched by job id cheaply, so the recovery sweep does not run on Redis
     * (the default of the SPI, restated here because it is a decision).
     */
    @Override
    public Optional<Set<String>> missing(Collection<String> jobIds) {
        return Optional.empty();
    }

    /**
     * Closes the connections. Entries this instance still holds stay pending under its consumer name and are
     * reclaimed by other receivers after the visibility timeout; if it holds none, its consumer is deleted.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            List<String> keys = new ArrayList<>();
            for (String q : ensured) {
                for (int level = 0; level < LEVELS; level++) {
                    keys.add(stream(q, level));
                }
            }
            if (!keys.isEmpty() && shared.isOpen()) {
                FORGET.run(shared.sync(), ScriptOutputType.INTEGER, keys.toArray(String[]::new), GROUP, consumer);
            }
        } catch (RedisException e) {
            LOG.debug("Could not delete consumer {} on close", consumer, e);
        }
        blocking.forEach(StatefulRedisConnection::close);
        shared.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    private Received attempt(List<String> queues, List<Target> targets, boolean housekeeping, int max) {
        List<String> args = new ArrayList<>(List.of(GROUP, consumer, Long.toString(visibilityTimeout.toMillis())));
        for (Target t : targets) {
            args.add(cursors.getOrDefault(t.key, "0-0"));
        }
        args.add(Integer.toString(queues.size()));
        for (String q : queues) {
            args.add(prefix + q);
        }
        args.add(Integer.toString(max));
        args.add(housekeeping ? "1" : "0");
        List<Object> r = RECEIVE.run(shared.sync(), ScriptOutputType.MULTI,
                targets.stream().map(Target::key).toArray(String[]::new), args.toArray(String[]::new));
        ReceiveReply reply = ReceiveReply.decode(r, targets.size());
        for (int i = 0; i < targets.size(); i++) {
            cursors.put(targets.get(i).key, reply.cursors().get(i));
        }
        List<Delivery> got = new ArrayList<>(reply.entries().size());
        for (ReceiveReply.Entry e : reply.entries()) {
            Target t = targets.get(e.stream());
            RedisReceipt receipt = new RedisReceipt(t.level, e.pendingCount(), e.entryId(), consumer);
            got.add(new Delivery(t.queue, e.jobId(), receipt.encode(), e.deliveryCount()));
        }
        return new Received(got, reply.nextDueMillis());
    }

    /** Waits for a new entry on any of the streams, on a connection no other command waits behind. */
    private List<Delivery> blockingRead(List<Target> targets, long millis, int max) {
        StatefulRedisConnection<String, String> c = borrow();
        List<StreamMessage<String, String>> read;
        try {
            @SuppressWarnings("unchecked")
            StreamOffset<String>[] offsets = targets.stream().map(t -> StreamOffset.lastConsumed(t.key))
                    .toArray(StreamOffset[]::new);
            read = c.sync().xreadgroup(Consumer.from(GROUP, consumer), XReadArgs.Builder.block(millis).count(max), offsets);
        } finally {
            idle.push(c);
        }
        if (read == null || read.isEmpty()) {
            return List.of();
        }
        // Up to max entries per stream; keep the most urgent max, give the rest back to the group.
        Map<String, Target> byKey = new HashMap<>();
        targets.forEach(t -> byKey.put(t.key, t));
        List<Delivery> got = read.stream()
                .sorted(Comparator.comparingInt(m -> targets.indexOf(byKey.get(m.getStream()))))
                .map(m -> {
                    Target t = byKey.get(m.getStream());
                    RedisReceipt receipt = new RedisReceipt(t.level, 1, m.getId(), consumer);
                    return new Delivery(t.queue, m.getBody().get("job"), receipt.encode(),
                            Integer.parseInt(m.getBody().getOrDefault("n", "0")) + 1);
                })
                .toList();
        int keep = Math.min(max, got.size());
        got.subList(keep, got.size()).forEach(d -> release(d, Duration.ZERO));
        return List.copyOf(got.subList(0, keep));
    }

    private StatefulRedisConnection<String, String> borrow() {
        StatefulRedisConnection<String, String> c = idle.poll();
        if (c == null) {
            c = client.connect();
            blocking.add(c);
            if (closed) {
                c.close();
                throw new IllegalStateException("The Redis broker is closed");
            }
        }
        return c;
    }

    private void run(LuaScript script, String[] keys, String... args) {
        ensureOpen();
        List<String> all = new ArrayList<>();
        all.add(GROUP);
        all.addAll(List.of(args));
        script.run(shared.sync(), ScriptOutputType.INTEGER, keys, all.toArray(String[]::new));
    }

    /**
     * Runs an action after making sure the queues' streams and group exist, once per instance; again if Redis
     * lost them (restarted without persistence, or the keys were deleted), signalled by a NOGROUP error.
     */
    private <T> T withGroups(List<String> queues, Supplier<T> action) {
        for (String q : queues) {
            if (!ensured.contains(q)) {
                createGroup(q);
            }
        }
        try {
            return action.get();
        } catch (RedisCommandExecutionException e) {
            if (e.getMessage() == null || !e.getMessage().contains("NOGROUP")) {
                throw e;
            }
            LOG.warn("Redis lost the consumer group of {}; creating it again", queues);
            queues.forEach(this::createGroup);
            return action.get();
        }
    }

    private void createGroup(String queue) {
        String[] keys = new String[LEVELS];
        for (int level = 0; level < LEVELS; level++) {
            keys[level] = stream(queue, level);
        }
        long forgetAfter = Math.max(Duration.ofHours(1).toMillis(), visibilityTimeout.toMillis() * 10);
        RedisCommands<String, String> redis = shared.sync();
        ENSURE.run(redis, ScriptOutputType.INTEGER, keys, GROUP, Long.toString(forgetAfter));
        ensured.add(queue);
    }

    /** Every stream of the queues, most urgent level first, then in the order the queues were given. */
    private List<Target> targets(List<String> queues) {
        List<Target> targets = new ArrayList<>();
        for (int level = LEVELS - 1; level >= 0; level--) {
            for (String q : queues) {
                targets.add(new Target(q, level, stream(q, level)));
            }
        }
        return targets;
    }

    private String stream(String queue, int level) {
        return prefix + queue + ":" + level;
    }

    private String delayed(String queue) {
        return prefix + queue + ":delayed";
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The Redis broker is closed");
        }
    }

    /** Priorities outside 0-9 count as the nearest level. */
    private static int level(int priority) {
        return Math.max(0, Math.min(LEVELS - 1, priority));
    }

    private record Target(String queue, int level, String key) {
    }

    /** What one receive attempt got, and when the next delayed message is due (-1: none or not looked). */
    private record Received(List<Delivery> deliveries, long nextDueMillis) {
    }
}
