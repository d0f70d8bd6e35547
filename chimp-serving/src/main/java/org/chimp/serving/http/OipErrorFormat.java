package org.chimp.serving.http;

import org.chimp.http.ErrorFormat;

/**
 * Errors on the Open Inference Protocol's routes ({@code /v2...}) in its own shape, {@code {"error": "..."}}, which
 * KServe and Triton clients read; the status code is the same as CHIMP's shape would carry.
 */
public final class OipErrorFormat implements ErrorFormat {
    @Override
    public boolean appliesTo(String path) {
        return path.equals("/v2") || path.startsWith("/v2/");
    }

    @Override
    public Object body(int status, String message) {
        return new OipError(message);
    }

    /** The body. */
    public record OipError(String error) {
    }
}
