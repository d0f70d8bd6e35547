package org.chimp.web.identity;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

/**
 * Limits login attempts per client address (30 at once, then one every 2 s) and per user name (10 at once, then
 * one every 10 s), counting every attempt, right or wrong: password guessing from one address, or against one
 * name from many, slows to a crawl, and the per-name limit caps the Argon2 work one name can cost.
 */
public final class LoginThrottle {
    private final TokenBuckets byAddress;
    private final TokenBuckets byUser;

    public LoginThrottle(Clock clock) {
        this(new TokenBuckets(30, Duration.ofSeconds(2), 10_000, clock), new TokenBuckets(10, Duration.ofSeconds(10), 10_000, clock));
    }

    LoginThrottle(TokenBuckets byAddress, TokenBuckets byUser) {
        this.byAddress = byAddress;
        this.byUser = byUser;
    }

    /**
     * Counts one attempt.
     *
     * @return 0 if it may go ahead, else the seconds to wait (the attempt is refused, the password not checked)
     */
    public long attempt(String address, String user) {
        long wait = byAddress.take(address == null ? "" : address);
        if (wait > 0) {
            return wait;
        }
        // The key is the case-folded name, as logins are, cut so that long made-up names cost no more memory.
        String key = user == null ? "" : user.length() > 64 ? user.substring(0, 64) : user;
        return byUser.take(key.toLowerCase(Locale.ROOT));
    }
}
