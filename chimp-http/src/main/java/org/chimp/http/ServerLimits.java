package org.chimp.http;

import java.time.Duration;

/**
 * The limits every CHIMP HTTP listener applies before a handler sees a request (docs/security.md lists them).
 *
 * @param maxBodyBytes      the largest body of an ordinary request (JSON, forms)
 * @param maxUploadBytes    the largest multipart or PUT body (dataset uploads, MLflow artifact uploads)
 * @param maxParts          the most parts one multipart body may have
 * @param memoryBytes       bodies up to this size are kept in memory, larger ones spooled to a temp file
 * @param bodyIdle          how long a body may stall (no byte arriving) before the request is answered 408
 * @param bodyTotal         how long reading one whole body may take
 * @param maxThreads        request-handling threads
 * @param maxHeaderBytes    the largest request line plus headers
 */
public record ServerLimits(long maxBodyBytes, long maxUploadBytes, int maxParts, int memoryBytes, Duration bodyIdle,
                           Duration bodyTotal, int maxThreads, int maxHeaderBytes) {
    public ServerLimits {
        if (maxBodyBytes < 1 || maxUploadBytes < 1 || maxParts < 1 || memoryBytes < 0 || maxThreads < 8 || maxHeaderBytes < 1024
                || bodyIdle.isNegative() || bodyIdle.isZero() || bodyTotal.compareTo(bodyIdle) < 0) {
            throw new IllegalArgumentException("Invalid server limits: " + maxBodyBytes + ", " + maxUploadBytes + ", " + maxParts
                    + ", " + memoryBytes + ", " + bodyIdle + ", " + bodyTotal + ", " + maxThreads + ", " + maxHeaderBytes);
        }
    }

    /** The defaults, with uploads up to {@code maxUploadBytes} (the dataset store's compressed-size limit). */
    public static ServerLimits defaults(long maxUploadBytes) {
        return new ServerLimits(16L << 20, maxUploadBytes, 1_000, 1 << 20, Duration.ofSeconds(10), Duration.ofMinutes(30),
                250, 16 << 10);
    }

    /** The same limits with another stall timeout (tests use short ones). */
    public ServerLimits withBodyIdle(Duration idle) {
        return new ServerLimits(maxBodyBytes, maxUploadBytes, maxParts, memoryBytes, idle, bodyTotal, maxThreads, maxHeaderBytes);
    }
}
