package org.chimp.serving.http;

import io.javalin.http.Context;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;

/**
 * Whether a request's client has gone: its connection is closed as far as Jetty knows (the client reset it, or a
 * write or the idle timeout found it dead). Queued requests ask just before they would run, so a model does not
 * work for nobody. A client that half-closed quietly while Jetty was not reading stays undetected until the answer
 * is written; that costs one run, not a wrong answer.
 */
final class ClientGone {
    private ClientGone() {
    }

    static BooleanSupplier of(Context ctx) {
        Request base = Request.getBaseRequest(ctx.req());
        if (base == null || base.getHttpChannel() == null) {
            return () -> false; // not a Jetty request (a test double): nobody to lose
        }
        EndPoint endPoint = base.getHttpChannel().getEndPoint();
        return () -> !endPoint.isOpen();
    }
}
