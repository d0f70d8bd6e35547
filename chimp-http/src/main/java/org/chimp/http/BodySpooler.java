package org.chimp.http;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Receives every request body in full, without holding a thread, before the request reaches its handler.
 *
 * <p>Handlers read bodies with blocking calls; a client that declares a large body and sends a byte every few
 * seconds would hold a request thread for as long as it likes, and a few hundred such clients stop the server.
 * Here the body is read with the servlet container's non-blocking I/O and spooled (memory, then a temp file);
 * only when it is complete is the request dispatched to its handler, which then never waits on the network.
 * A body that declares more than the limit is refused with 413 before a byte is read; one that grows past it is
 * cut off at the limit; one that stalls longer than {@link ServerLimits#bodyIdle()} gets 408; one that ends
 * before its Content-Length gets 400. Requests the auth check would refuse are passed on unread, so an
 * anonymous caller cannot make the server spool anything.
 */
public final class BodySpooler implements Filter {
    private static final String SPOOLED = BodySpooler.class.getName() + ".body";

    private final ServerLimits limits;
    private final Path spoolDir;
    private final ErrorFormats formats;
    private final Predicate<HttpServletRequest> admitted;

    /**
     * @param limits   sizes and timeouts
     * @param spoolDir where bodies larger than {@link ServerLimits#memoryBytes()} and multipart files are kept
     *                 while their request runs (emptied at start by the node)
     * @param formats  the error shapes of the app
     * @param admitted whether a request would pass authentication (others are not read)
     */
    public BodySpooler(ServerLimits limits, Path spoolDir, ErrorFormats formats, Predicate<HttpServletRequest> admitted) {
        this.limits = limits;
        this.spoolDir = spoolDir;
        this.formats = formats;
        this.admitted = admitted;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse res = (HttpServletResponse) response;
        if (req.getDispatcherType() == DispatcherType.ASYNC && req.getAttribute(SPOOLED) instanceof SpooledBody body) {
            handle(new SpooledRequest(req, body, limits.maxParts(), spoolDir.toFile()), res, chain, body);
            return;
        }
        if (req.getDispatcherType() != DispatcherType.REQUEST || !admitted.test(req)) {
            chain.doFilter(req, res);
            return;
        }
        if (!hasBody(req)) {
            // An empty multipart body still goes through the spooled request's parser, which answers 400, not 500.
            if (isMultipart(req)) {
                SpooledBody empty = new SpooledBody(spoolDir, 0, 0);
                handle(new SpooledRequest(req, empty, limits.maxParts(), spoolDir.toFile()), res, chain, empty);
            } else {
                chain.doFilter(req, res);
            }
            return;
        }
        long max = isUpload(req) ? limits.maxUploadBytes() : limits.maxBodyBytes();
        long declared = req.getContentLengthLong();
        if (declared > max) {
            reject(req, res, 413, tooLarge(declared, max));
            return;
        }
        SpooledBody body = new SpooledBody(spoolDir, limits.memoryBytes(), max);
        if (declared > 0 && declared <= limits.memoryBytes() && readAvailable(req.getInputStream(), body, declared)) {
            // The usual small JSON body arrived with the headers (Jetty dispatches once the first bytes are in):
            // read here, where nothing blocks, without an asynchronous round trip.
            body.finish();
            handle(new SpooledRequest(req, body, limits.maxParts(), spoolDir.toFile()), res, chain, body);
            return;
        }
        spool(req, res, declared, body);
    }

    /** Reads what has arrived without blocking; true if that is the whole declared body. */
    private static boolean readAvailable(ServletInputStream in, SpooledBody body, long declared) throws IOException {
        byte[] buf = new byte[(int) declared];
        int got = 0;
        int ready;
        while (got < declared && (ready = in.available()) > 0) {
            int n = in.read(buf, got, Math.min(ready, (int) declared - got));
            if (n < 0) {
                break;
            }
            got += n;
        }
        body.write(buf, 0, got);
        return got == declared;
    }

    private void handle(SpooledRequest req, HttpServletResponse res, FilterChain chain, SpooledBody body)
            throws IOException, ServletException {
        try {
            chain.doFilter(req, res);
        } finally {
            if (req.isAsyncStarted()) {
                req.getAsyncContext().addListener(new Cleanup(req, body));
            } else {
                req.deleteParts();
                body.discard();
            }
        }
    }

    /** Receives the rest of the body asynchronously (some of it may be in {@code body} already), then dispatches. */
    private void spool(HttpServletRequest req, HttpServletResponse res, long declared, SpooledBody body) throws IOException {
        long max = body.maxBytes();
        AsyncContext async = req.startAsync();
        async.setTimeout(limits.bodyTotal().toMillis());
        AtomicBoolean done = new AtomicBoolean();
        async.addListener(new AsyncListener() {
            @Override
            public void onTimeout(AsyncEvent event) throws IOException {
                if (done.compareAndSet(false, true)) {
                    body.discard();
                    answer(req, res, 408, "The request body took longer than " + limits.bodyTotal().toSeconds() + " s to arrive");
                    async.complete();
                }
            }

            @Override
            public void onError(AsyncEvent event) {
                if (done.compareAndSet(false, true)) {
                    body.discard();
                }
            }

            @Override
            public void onComplete(AsyncEvent event) {
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        });
        ServletInputStream in = req.getInputStream();
        in.setReadListener(new ReadListener() {
            private final byte[] buf = new byte[16 << 10];

            @Override
            public void onDataAvailable() throws IOException {
                while (!done.get() && in.isReady()) {
                    int n = in.read(buf);
                    if (n < 0) {
                        return;
                    }
                    if (!body.write(buf, 0, n) && done.compareAndSet(false, true)) {
                        answer(req, res, 413, tooLarge(-1, max));
                        async.complete();
                        return;
                    }
                }
            }

            @Override
            public void onAllDataRead() throws IOException {
                if (!done.compareAndSet(false, true)) {
                    return;
                }
                body.finish();
                if (declared >= 0 && body.size() != declared) {
                    body.discard();
                    answer(req, res, 400, "The request body has " + body.size() + " bytes but its Content-Length says " + declared);
                    async.complete();
                    return;
                }
                req.setAttribute(SPOOLED, body);
                async.dispatch();
            }

            @Override
            public void onError(Throwable t) {
                if (!done.compareAndSet(false, true)) {
                    return;
                }
                body.discard();
                RequestFailure failure = RequestFailure.of(t);
                try {
                    if (failure != null) {
                        answer(req, res, failure.status(), failure.message());
                    } else {
                        answer(req, res, 400, "The request body could not be read to its end");
                    }
                } catch (IOException | RuntimeException e) {
                    // The connection is gone; there is nobody to answer.
                }
                async.complete();
            }
        });
    }

    private void reject(HttpServletRequest req, HttpServletResponse res, int status, String message) throws IOException {
        // The unread body is not drained: the connection is closed after the answer.
        res.setHeader("Connection", "close");
        answer(req, res, status, message);
    }

    private void answer(HttpServletRequest req, HttpServletResponse res, int status, String message) throws IOException {
        if (res.isCommitted()) {
            return;
        }
        byte[] json = formats.bytes(req.getRequestURI(), status, message);
        res.resetBuffer();
        res.setStatus(status);
        res.setContentType("application/json");
        res.setContentLength(json.length);
        res.getOutputStream().write(json);
        res.flushBuffer();
    }

    private static String tooLarge(long declared, long max) {
        return "The request body " + (declared >= 0 ? "declares " + declared + " bytes" : "is larger than the limit")
                + "; this endpoint takes at most " + max + " bytes";
    }

    private static boolean hasBody(HttpServletRequest req) {
        return req.getContentLengthLong() > 0 || req.getHeader("Transfer-Encoding") != null;
    }

    /**
     * Multipart forms (datasets) and PUTs (MLflow's artifact upload, which streams a file of any size into the store)
     * may be as large as an upload; other bodies are JSON and images, held to the smaller body limit.
     */
    private static boolean isUpload(HttpServletRequest req) {
        return isMultipart(req) || "PUT".equals(req.getMethod());
    }

    private static boolean isMultipart(HttpServletRequest req) {
        String type = req.getContentType();
        return type != null && type.toLowerCase().startsWith("multipart/");
    }

    /** Removes a spooled body once a handler that went asynchronous itself has finished. */
    private record Cleanup(SpooledRequest req, SpooledBody body) implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            req.deleteParts();
            body.discard();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            onComplete(event);
        }

        @Override
        public void onError(AsyncEvent event) {
            onComplete(event);
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }
}
