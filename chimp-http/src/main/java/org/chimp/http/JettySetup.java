package org.chimp.http;

import io.javalin.config.JavalinConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.function.Predicate;
import org.chimp.http.metrics.HttpObserver;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Applies {@link ServerLimits} to a Javalin app's Jetty: the listener, header and idle limits, the thread pool,
 * the body spooler in front of every handler, and JSON error pages, so that no request reaches a handler
 * half-read or oversized and no failure is answered with Jetty's HTML.
 */
public final class JettySetup {
    private JettySetup() {
    }

    /**
     * @param cfg      the app's configuration, before the app is created
     * @param port     the port to listen on (0: any free port)
     * @param limits   sizes, timeouts and threads
     * @param spoolDir where large bodies wait for their handler
     * @param formats  the app's error shapes
     * @param admitted whether a request would pass authentication (only those bodies are read)
     */
    public static void apply(JavalinConfig cfg, int port, ServerLimits limits, Path spoolDir, ErrorFormats formats,
                             Predicate<HttpServletRequest> admitted) {
        apply(cfg, port, limits, spoolDir, formats, admitted, null);
    }

    /**
     * As above, with {@code observer} (request ids, metrics, access log) in front of everything else, so that it
     * also sees the requests the body spooler refuses; null for none.
     */
    public static void apply(JavalinConfig cfg, int port, ServerLimits limits, Path spoolDir, ErrorFormats formats,
                             Predicate<HttpServletRequest> admitted, HttpObserver observer) {
        cfg.http.maxRequestSize = Math.max(limits.maxBodyBytes(), limits.maxUploadBytes());
        QueuedThreadPool threads = new QueuedThreadPool(limits.maxThreads(), 8, 60_000);
        threads.setName("chimp-http");
        cfg.jetty.threadPool = threads;
        cfg.jetty.modifyHttpConfiguration(http -> {
            http.setRequestHeaderSize(limits.maxHeaderBytes());
            http.setIdleTimeout(limits.bodyIdle().toMillis());
            http.setSendServerVersion(false);
            // Jetty holds a request (not a thread) until its first body bytes arrive, so a small body is usually
            // whole when the spooler sees it and is read without an asynchronous round trip. Clients that wait to
            // be told (Expect: 100-continue, as curl does for large uploads) are dispatched at once, so an
            // oversized declaration is refused before they send anything.
            http.setDelayDispatchUntilContent(true);
        });
        cfg.jetty.addConnector((server, http) -> {
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setPort(port);
            connector.setIdleTimeout(Math.max(30_000, limits.bodyIdle().toMillis()));
            return connector;
        });
        JsonErrorHandler errors = new JsonErrorHandler(formats);
        cfg.jetty.modifyServer(server -> server.setErrorHandler(errors));
        cfg.jetty.modifyServletContextHandler(context -> {
            context.setErrorHandler(errors);
            if (observer != null) {
                FilterHolder observe = new FilterHolder(observer);
                observe.setAsyncSupported(true);
                context.addFilter(observe, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
            }
            FilterHolder spooler = new FilterHolder(new BodySpooler(limits, spoolDir, formats, admitted));
            spooler.setAsyncSupported(true);
            context.addFilter(spooler, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        });
    }
}
