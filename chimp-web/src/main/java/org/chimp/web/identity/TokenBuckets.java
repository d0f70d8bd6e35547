package org.chimp.web.identity;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per key (an address, a user name), in memory: {@code capacity} attempts at once, one more every
 * {@code refill}. At most {@code maxKeys} buckets are kept, so a caller cycling through made-up keys cannot fill
 * the heap; when full, buckets that have refilled (and so carry no information) go first, then the oldest.
 */
public final class TokenBuckets {
    private final int capacity;
    private final Duration refill;
    private final int maxKeys;
    private final Clock clock;
    private final LinkedHashMap<String, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true);

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    public TokenBuckets(int capacity, Duration refill, int maxKeys, Clock clock) {
        if (capacity < 1 || refill.isNegative() || refill.isZero() || maxKeys < 1) {
            throw new IllegalArgumentException("capacity, refill and maxKeys must be positive");
        }
        this.capacity = capacity;
        this.refill = refill;
        this.maxKeys = maxKeys;
        this.clock = clock;
    }

    /**
     * Takes one token from the key's bucket.
     *
     * @return 0 if one was taken, else the whole seconds until one will be there (nothing is taken then)
     */
    public synchronized long take(String key) {
        long now = clock.millis();
        Bucket b = buckets.get(key);
        if (b == null) {
            makeRoom(now);
            b = new Bucket(capacity, now);
            buckets.put(key, b);
        }
        refill(b, now);
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return 0;
        }
        double missingMillis = (1 - b.tokens) * refill.toMillis();
        return Math.max(1, (long) Math.ceil(missingMillis / 1000.0));
    }

    /** Buckets currently kept (for tests of the bound). */
    synchronized int size() {
        return buckets.size();
    }

    private void refill(Bucket b, long now) {
        if (now > b.at) {
            b.tokens = Math.min(capacity, b.tokens + (double) (now - b.at) / refill.toMillis());
            b.at = now;
        }
    }

    private void makeRoom(long now) {
        if (buckets.size() < maxKeys) {
            return;
        }
        for (Iterator<Map.Entry<String, Bucket>> it = buckets.entrySet().iterator(); it.hasNext(); ) {
            Bucket b = it.next().getValue();
            refill(b, now);
            if (b.tokens >= capacity) {
                it.remove();
            }
        }
        Iterator<String> eldest = buckets.keySet().iterator();
        while (buckets.size() >= maxKeys && eldest.hasNext()) {
            eldest.next();
            eldest.remove();
        }
    }
}
