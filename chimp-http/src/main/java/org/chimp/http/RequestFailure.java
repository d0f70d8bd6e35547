package org.chimp.http;

import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.io.EofException;

/**
 * A failure while reading the request itself (the client sent less than it declared, stalled, or sent something
 * Jetty could not parse): the caller's side, so a 4xx, never a 500.
 *
 * @param status  the HTTP status to answer
 * @param message what happened, for the caller
 */
record RequestFailure(int status, String message) {
    /** The request failure somewhere in the cause chain of {@code e}, or null when it is the server's own failure. */
    static RequestFailure of(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BadMessageException b) {
                return new RequestFailure(b.getCode(), "The request could not be read: " + b.getReason());
            }
            if (t instanceof EofException) {
                return new RequestFailure(400, "The request body ended before all the bytes its Content-Length declared arrived");
            }
            if (t instanceof TimeoutException) {
                return new RequestFailure(408, "The request body stopped arriving; send it at once and completely");
            }
        }
        return null;
    }
}
