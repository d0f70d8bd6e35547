package org.chimp.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.validation.ValidationException;
import java.util.UUID;
import org.chimp.api.error.BusyException;
import org.chimp.api.error.ClientErrorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps every failure to the JSON error shape of its path ({@link ErrorFormats}): the caller's mistakes to their
 * 4xx with the message, a full queue or budget to 503 with {@code Retry-After}, a request body that broke off or
 * stalled to 400/408, unknown routes to 404, and anything unexpected to a 500 that names an incident id found in
 * the server log (the internal message is never sent, it may hold paths or SQL).
 */
public final class HttpErrors {
    private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);

    private HttpErrors() {
    }

    /** Installs the handlers with CHIMP's error shape on every path. */
    public static void install(Javalin app) {
        install(app, ErrorFormats.of());
    }

    /** Installs the handlers with the given formats. */
    public static void install(Javalin app, ErrorFormats formats) {
        app.exception(ClientErrorException.class, (e, ctx) -> send(ctx, formats, e.status(), e.getMessage()));
        app.exception(BusyException.class, (e, ctx) -> {
            ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
            send(ctx, formats, 503, e.getMessage());
        });
        app.exception(HttpResponseException.class, (e, ctx) -> send(ctx, formats, e.getStatus(), e.getMessage()));
        app.exception(ValidationException.class, (e, ctx) -> send(ctx, formats, 400, "Invalid request: " + e.getErrors()));
        app.exception(JsonProcessingException.class, (e, ctx) -> send(ctx, formats, 400,
                "The request body is not valid JSON: " + e.getOriginalMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            RequestFailure failure = RequestFailure.of(e);
            if (failure != null) {
                send(ctx, formats, failure.status(), failure.message());
                return;
            }
            String incident = UUID.randomUUID().toString();
            LOG.error("Unexpected failure (incident {}) on {} {}", incident, ctx.method(), ctx.path(), e);
            send(ctx, formats, 500, "Internal error; the server log has the details under incident " + incident);
        });
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                send(ctx, formats, 404, "No endpoint " + ctx.method() + " " + ctx.path() + "; see the README for the list of endpoints");
            }
        });
        app.error(405, ctx -> send(ctx, formats, 405, "Method " + ctx.method() + " is not allowed on " + ctx.path()));
    }

    /** Writes an error body in CHIMP's shape. */
    public static void send(Context ctx, int status, String message) {
        send(ctx, ErrorFormats.of(), status, message);
    }

    private static void send(Context ctx, ErrorFormats formats, int status, String message) {
        ctx.status(status).json(formats.body(ctx.path(), status, message));
    }
}
