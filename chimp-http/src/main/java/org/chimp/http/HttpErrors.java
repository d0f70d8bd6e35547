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
 * Maps every failure to the JSON error shape: the caller's mistakes to their 4xx with the message, unknown
 * routes to 404, and anything unexpected to a 500 that names an incident id found in the server log (the
 * internal message is never sent, it may hold paths or SQL).
 */
public final class HttpErrors {
    private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);

    private HttpErrors() {
    }

    /** Installs the handlers on an app. */
    public static void install(Javalin app) {
        app.exception(ClientErrorException.class, (e, ctx) -> send(ctx, e.status(), e.getMessage()));
        app.exception(BusyException.class, (e, ctx) -> {
            ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
            send(ctx, 503, e.getMessage());
        });
        app.exception(HttpResponseException.class, (e, ctx) -> send(ctx, e.getStatus(), e.getMessage()));
        app.exception(ValidationException.class, (e, ctx) -> send(ctx, 400, "Invalid request: " + e.getErrors()));
        app.exception(JsonProcessingException.class, (e, ctx) -> send(ctx, 400, "The request body is not valid JSON: " + e.getOriginalMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            String incident = UUID.randomUUID().toString();
            LOG.error("Unexpected failure (incident {}) on {} {}", incident, ctx.method(), ctx.path(), e);
            send(ctx, 500, "Internal error; the server log has the details under incident " + incident);
        });
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                send(ctx, 404, "No endpoint " + ctx.method() + " " + ctx.path() + "; see the README for the list of endpoints");
            }
        });
        app.error(405, ctx -> send(ctx, 405, "Method " + ctx.method() + " is not allowed on " + ctx.path()));
    }

    /** Writes an error body with the given status. */
    public static void send(Context ctx, int status, String message) {
        ctx.status(status).json(ErrorBody.of(status, message));
    }
}
