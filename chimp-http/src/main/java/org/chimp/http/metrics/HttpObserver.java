package org.chimp.http.metrics;

import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.javalin.router.InternalRouter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.chimp.http.Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The first filter of every CHIMP HTTP app: gives each request an id ({@code X-Request-Id}, see {@link RequestIds})
 * that is echoed in the response and put in the logging MDC while the request runs, and when the response is
 * complete (also after an asynchronous body read) records it in {@code http.server.requests} and writes one
 * access-log line.
 *
 * <p>The {@code route} label is the route as registered ({@code /model/{name}/infer}), never the raw path, and
 * the method label is one of the standard methods or {@code OTHER}: a caller sending random URLs or methods adds
 * no series. Requests that no route matched are {@value #UNMATCHED} (or {@value #STATIC} for static files served).
 */
public final class HttpObserver implements Filter {
    /** The request attribute the matched route is kept under. */
    public static final String ROUTE = HttpObserver.class.getName() + ".route";
    static final String UNMATCHED = "unmatched";
    static final String STATIC = "static";
    /** The access log's logger: one INFO line per request. */
    public static final String ACCESS_LOGGER = "org.chimp.access";

    private static final String ID = HttpObserver.class.getName() + ".id";
    private static final Logger ACCESS = LoggerFactory.getLogger(ACCESS_LOGGER);
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE");
    /** Histogram buckets: a dozen fixed ones per series rather than Micrometer's ~70 percentile buckets. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30)};

    private final MeterRegistry registry;
    private final boolean accessLog;
    private volatile InternalRouter router;

    /**
     * @param registry  where request timings go
     * @param accessLog whether to write the access log
     */
    public HttpObserver(MeterRegistry registry, boolean accessLog) {
        this.registry = registry;
        this.accessLog = accessLog;
    }

    /**
     * Notes each matched request's route. Install before authentication, whose refusals end the request before
     * later handlers run; requests refused before matching get their route from the app's router.
     */
    public void install(Javalin app) {
        router = app.unsafeConfig().pvt.internalRouter;
        app.beforeMatched(ctx -> ctx.attribute(ROUTE, ctx.endpointHandlerPath()));
    }

    /** Adds the started app's Jetty thread pool to the registry ({@code jetty.threads.*}, tagged with the port). */
    public void bindThreadPool(Javalin started) {
        new JettyServerThreadPoolMetrics(started.jettyServer().server().getThreadPool(),
                Tags.of("port", Integer.toString(started.port()))).bindTo(registry);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse res = (HttpServletResponse) response;
        if (req.getDispatcherType() == DispatcherType.ASYNC && req.getAttribute(ID) instanceof String id) {
            // The handler runs on another thread once an asynchronously read body is in: same id in its log lines.
            MDC.put(RequestIds.MDC_KEY, id);
            try {
                chain.doFilter(req, res);
            } finally {
                MDC.remove(RequestIds.MDC_KEY);
            }
            return;
        }
        if (req.getDispatcherType() != DispatcherType.REQUEST) {
            chain.doFilter(req, res);
            return;
        }
        Completion done = new Completion(req, res, System.nanoTime());
        req.setAttribute(ID, done.id);
        res.setHeader(RequestIds.HEADER, done.id);
        MDC.put(RequestIds.MDC_KEY, done.id);
        try {
            chain.doFilter(req, res);
        } finally {
            MDC.remove(RequestIds.MDC_KEY);
            if (req.isAsyncStarted()) {
                req.getAsyncContext().addListener(done);
            } else {
                done.record();
            }
        }
    }

    /** The route label of a finished request. */
    String route(HttpServletRequest req, int status) {
        if (req.getAttribute(ROUTE) instanceof String route) {
            return route;
        }
        InternalRouter r = router;
        HandlerType type = HandlerType.Companion.findByName(req.getMethod());
        if (r != null && type.isHttpMethod()) {
            String path = req.getRequestURI();
            String found = r.findHttpHandlerEntries(type, path).findFirst().map(e -> e.getEndpoint().getPath()).orElse(null);
            if (found != null) {
                return found;
            }
        }
        return status < 400 ? STATIC : UNMATCHED;
    }

    static String method(HttpServletRequest req) {
        String m = req.getMethod();
        return METHODS.contains(m) ? m : "OTHER";
    }

    /** Records one request once, when its response is complete. */
    private final class Completion implements AsyncListener {
        final HttpServletRequest req;
        final HttpServletResponse res;
        final long start;
        final String id;
        final AtomicBoolean recorded = new AtomicBoolean();

        Completion(HttpServletRequest req, HttpServletResponse res, long start) {
            this.req = req;
            this.res = res;
            this.start = start;
            this.id = RequestIds.accept(req.getHeader(RequestIds.HEADER));
        }

        void record() {
            if (!recorded.compareAndSet(false, true)) {
                return;
            }
            long nanos = System.nanoTime() - start;
            int status = res.getStatus();
            String route = route(req, status);
            String method = method(req);
            Timer.builder("http.server.requests").description("HTTP requests by method, route (as registered) and status")
                    .tags("method", method, "route", route, "status", Integer.toString(status))
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry).record(nanos, TimeUnit.NANOSECONDS);
            if (accessLog && ACCESS.isInfoEnabled()) {
                String user = req.getAttribute(Principal.ATTRIBUTE) instanceof Principal p ? p.name() : "-";
                double ms = Math.round(nanos / 10_000.0) / 100.0;
                MDC.put(RequestIds.MDC_KEY, id);
                try {
                    ACCESS.atInfo().addKeyValue("method", method).addKeyValue("route", route).addKeyValue("status", status)
                            .addKeyValue("duration_ms", ms).addKeyValue("principal", user)
                            .log("{} {} {} {} ms {}", method, route, status, ms, user);
                } finally {
                    MDC.remove(RequestIds.MDC_KEY);
                }
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
            record();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
        }

        @Override
        public void onError(AsyncEvent event) {
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // A handler going asynchronous again starts a new cycle, which drops listeners: stay registered.
            event.getAsyncContext().addListener(this);
        }
    }
}
