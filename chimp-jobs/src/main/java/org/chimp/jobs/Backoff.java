package org.chimp.jobs;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a failed job waits before its next attempt: {@code base * 2^(attempt-1)}, capped, with "equal jitter"
 * (a random point in the upper half) so that jobs failing together do not all come back together.
 */
public record Backoff(Duration base, Duration cap) {
    /** 1 s doubling up to 60 s. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));

    public Backoff {
        if (base.isNegative() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("Backoff needs 0 <= base <= cap, got base " + base + ", cap " + cap);
        }
    }

    /** The delay after the given (1-based) failed attempt. */
    public Duration delay(int attempt) {
        long capMillis = cap.toMillis();
        int doublings = Math.min(Math.max(attempt - 1, 0), 30);
        long full = Math.min(capMillis, base.toMillis() << doublings);
        long half = full / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(full - half + 1));
    }
}
