package org.chimp.http.metrics;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: the caller's {@code X-Request-Id} when it is a safe token (1 to {@value #MAX_LENGTH} characters
 * of letters, digits and {@code - _ . : @}), else a fresh random one. A caller's id goes into every log line of
 * the request, so one with control characters or quotes (forged log lines) or of unbounded length is never used.
 */
public final class RequestIds {
    /** The header a request id is read from and echoed in. */
    public static final String HEADER = "X-Request-Id";
    /** The key of the request id in the logging MDC (and the JSON log's {@code mdc} object). */
    public static final String MDC_KEY = "request_id";
    public static final int MAX_LENGTH = 64;

    private RequestIds() {
    }

    /** The id a request is known by: {@code given} if valid, else a new one (a replaced id is not logged). */
    public static String accept(String given) {
        return valid(given) ? given : generate();
    }

    /** Whether a caller's id may be used as it is. */
    public static boolean valid(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == ':' || c == '@';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * 128 random bits in hex. An id only correlates log lines and grants nothing, so it need not be unguessable:
     * a per-thread generator, rather than SecureRandom's shared lock on every request.
     */
    public static String generate() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        HexFormat hex = HexFormat.of();
        return hex.toHexDigits(r.nextLong()) + hex.toHexDigits(r.nextLong());
    }
}
