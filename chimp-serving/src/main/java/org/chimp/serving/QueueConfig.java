package org.chimp.serving;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one model version takes requests: at most {@code capacity} in flight (running or waiting), the rest refused
 * at once with a 503; with {@code maxBatch} above 1, requests are run together, up to {@code maxBatch} inputs or
 * after waiting {@code maxDelayMs} for more. Read from the version's tags ({@value #QUEUE_TAG},
 * {@value #MAX_BATCH_TAG}, {@value #MAX_DELAY_TAG}); the queue bound defaults to {@value #QUEUE_PROPERTY}, batching
 * is off unless asked for, since it adds the delay to every request of an idle server.
 */
public record QueueConfig(int capacity, int maxBatch, long maxDelayMs) {
    public static final String QUEUE_TAG = "chimp.queue.max";
    public static final String MAX_BATCH_TAG = "chimp.batching.max_batch";
    public static final String MAX_DELAY_TAG = "chimp.batching.max_delay_ms";
    /** System property with the default queue bound per model version. */
    public static final String QUEUE_PROPERTY = "chimp.serving.queue";
    static final int DEFAULT_CAPACITY = 64;
    static final int MAX_CAPACITY = 100_000;
    static final int MAX_BATCH = 1024;
    static final long MAX_DELAY_MS = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(QueueConfig.class);

    public QueueConfig {
        if (capacity < 1 || maxBatch < 1 || maxDelayMs < 0) {
            throw new IllegalArgumentException("capacity and maxBatch must be positive, maxDelayMs not negative");
        }
    }

    /** Whether requests are batched together. */
    public boolean batching() {
        return maxBatch > 1;
    }

    /** The settings a version's tags ask for; a tag that is not a number in range is ignored (and logged). */
    static QueueConfig of(String what, Map<String, String> tags) {
        int capacity = (int) number(what, tags, QUEUE_TAG, Integer.getInteger(QUEUE_PROPERTY, DEFAULT_CAPACITY), 1, MAX_CAPACITY);
        int maxBatch = (int) number(what, tags, MAX_BATCH_TAG, 1, 1, MAX_BATCH);
        long delay = number(what, tags, MAX_DELAY_TAG, maxBatch > 1 ? 5 : 0, 0, MAX_DELAY_MS);
        return new QueueConfig(Math.max(1, Math.min(capacity, MAX_CAPACITY)), maxBatch, delay);
    }

    private static long number(String what, Map<String, String> tags, String tag, long fallback, long min, long max) {
        String v = tags == null ? null : tags.get(tag);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.warn("{}: tag {}={} is not a whole number from {} to {}; using {}",
                what, tag, v, min, max, fallback);
        return fallback;
    }
}
