package org.chimp.web.identity;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.chimp.api.error.BusyException;
import org.chimp.api.error.ClientErrorException;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/**
 * Argon2id password hashes (salted, memory-hard), with OWASP's minimum parameters: 19 MiB, 2 iterations, one lane.
 * Each hash takes that memory and tens of milliseconds of CPU, so at most {@code concurrency} run at once; a
 * login flood gets 503 instead of exhausting the heap (250 request threads x 19 MiB would be 4.7 GB).
 */
public final class Passwords {
    /** Shortest password accepted (NIST SP 800-63B's minimum). */
    public static final int MIN_LENGTH = 8;
    /** Longest password accepted: bounds the hashing work a request can ask for. */
    public static final int MAX_LENGTH = 256;

    private final Argon2PasswordEncoder encoder = new Argon2PasswordEncoder(16, 32, 1, 19 * 1024, 2);
    private final Semaphore permits;
    private final String dummy;

    /** @param concurrency hashes computed at once; further callers wait up to 2 s, then get 503 */
    public Passwords(int concurrency) {
        permits = new Semaphore(Math.max(1, concurrency), true);
        dummy = encoder.encode(Secrets.random(""));
    }

    /** The stored form of a new password; a password that breaks the rules is a 400. */
    public String hash(String password) {
        check(password);
        return withPermit(() -> encoder.encode(password));
    }

    /**
     * Whether the password matches the stored hash. With a null hash (unknown user) a dummy hash is checked, so
     * the answer takes as long as for a real user and response times do not tell which names exist.
     */
    public boolean matches(String password, String storedHash) {
        if (password == null || password.isEmpty() || password.length() > MAX_LENGTH) {
            return false;
        }
        boolean ok = withPermit(() -> encoder.matches(password, storedHash == null ? dummy : storedHash));
        return ok && storedHash != null;
    }

    /** Refuses passwords that are too short, too long, or contain control characters (400). */
    public static void check(String password) {
        if (password == null || password.length() < MIN_LENGTH) {
            throw ClientErrorException.invalid("A password needs at least " + MIN_LENGTH + " characters");
        }
        if (password.length() > MAX_LENGTH) {
            throw ClientErrorException.invalid("A password may have at most " + MAX_LENGTH + " characters");
        }
        if (password.chars().anyMatch(Character::isISOControl)) {
            throw ClientErrorException.invalid("A password may not contain control characters (such as a line break)");
        }
    }

    private <T> T withPermit(java.util.function.Supplier<T> work) {
        boolean acquired;
        try {
            acquired = permits.tryAcquire(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BusyException("Interrupted while waiting to check a password", 1);
        }
        if (!acquired) {
            throw new BusyException("Too many password checks at once; try again shortly", 1);
        }
        try {
            return work.get();
        } finally {
            permits.release();
        }
    }
}
