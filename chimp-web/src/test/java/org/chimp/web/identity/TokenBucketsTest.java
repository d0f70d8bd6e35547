package org.chimp.web.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenBucketsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void aBucketGivesItsCapacityThenOneTokenPerRefill() {
        TokenBuckets b = new TokenBuckets(3, Duration.ofSeconds(10), 100, clock);
        assertThat(b.take("a")).isZero();
        assertThat(b.take("a")).isZero();
        assertThat(b.take("a")).isZero();
        assertThat(b.take("a")).as("seconds until the next token").isEqualTo(10);
        clock.advance(Duration.ofSeconds(4));
        assertThat(b.take("a")).isEqualTo(6);
        clock.advance(Duration.ofSeconds(6));
        assertThat(b.take("a")).isZero();
        assertThat(b.take("a")).isEqualTo(10);
        assertThat(b.take("other")).as("keys are independent").isZero();
    }

    @Test
    void aLongPauseRefillsToCapacityOnly() {
        TokenBuckets b = new TokenBuckets(2, Duration.ofSeconds(1), 100, clock);
        b.take("a");
        b.take("a");
        clock.advance(Duration.ofDays(1));
        assertThat(b.take("a")).isZero();
        assertThat(b.take("a")).isZero();
        assertThat(b.take("a")).isPositive();
    }

    @Test
    void madeUpKeysCannotGrowTheMapPastItsBound() {
        TokenBuckets b = new TokenBuckets(1, Duration.ofSeconds(1), 50, clock);
        for (int i = 0; i < 10_000; i++) {
            b.take("key-" + i);
        }
        assertThat(b.size()).isLessThanOrEqualTo(50);
    }

    @Test
    void whenFullRefilledBucketsGoFirstSoAnEmptiedOneKeepsItsCount() {
        TokenBuckets b = new TokenBuckets(1, Duration.ofSeconds(100), 3, clock);
        b.take("victim");
        b.take("x");
        clock.advance(Duration.ofSeconds(100));
        b.take("victim-again-unrelated");
        b.take("victim"); // empties it again at t=100
        b.take("y");
        b.take("z");
        assertThat(b.take("victim")).as("the emptied bucket survived the eviction of refilled ones").isPositive();
    }

    @Test
    void aThousandLoginAttemptsFromOneAddressAreMostlyRefused() {
        LoginThrottle t = new LoginThrottle(clock);
        int allowed = 0;
        long lastWait = 0;
        for (int i = 0; i < 1000; i++) {
            long wait = t.attempt("10.0.0.1", "user" + i);
            if (wait == 0) {
                allowed++;
            } else {
                lastWait = wait;
            }
        }
        assertThat(allowed).isEqualTo(30);
        assertThat(lastWait).isPositive();
    }

    @Test
    void oneNameIsThrottledAcrossAddresses() {
        LoginThrottle t = new LoginThrottle(clock);
        int allowed = 0;
        for (int i = 0; i < 1000; i++) {
            if (t.attempt("10.0." + i / 250 + "." + i % 250, i % 2 == 0 ? "Alice" : "alice") == 0) {
                allowed++;
            }
        }
        assertThat(allowed).as("the name counts without regard to case").isEqualTo(10);
    }
}
