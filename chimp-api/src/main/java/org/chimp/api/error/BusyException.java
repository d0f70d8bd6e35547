package org.chimp.api.error;

/**
 * The server cannot take this request now (a queue or budget is full), through no fault of the request: answered
 * 503 with {@code Retry-After}, so clients back off instead of piling on. Nothing was changed.
 */
public final class BusyException extends RuntimeException {
    private final long retryAfterSeconds;

    /**
     * @param message           what is busy, shown to the caller
     * @param retryAfterSeconds when to try again, sent as {@code Retry-After}
     */
    public BusyException(String message, long retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    /** Seconds the caller should wait before retrying. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
