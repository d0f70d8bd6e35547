package org.chimp.web.emotion.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.websocket.WsBinaryMessageContext;
import io.javalin.websocket.WsCloseStatus;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.chimp.api.error.BusyException;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.Image;
import org.chimp.api.image.ImageScope;
import org.chimp.http.Json;
import org.chimp.http.Principal;
import org.chimp.serving.http.FaceInference;
import org.chimp.web.emotion.FrameLimits;
import org.chimp.web.http.Authenticator;
import org.eclipse.jetty.websocket.api.WriteCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The emotion page's live WebSocket, {@value #PATH}: the page sends webcam frames (binary messages, JPEG or PNG)
 * and gets, for each, the faces found with their emotions from the user's personal model when there is one
 * ({@link LiveMessage}).
 *
 * <p>Only a browser session may open it (the session cookie; checked again every minute while it stays open, so
 * signing out ends it), only from a page of this server (the {@code Origin} must name the host the request was
 * sent to: another site's script cannot open it with the user's cookie). Per connection: one frame in flight
 * (frames arriving meanwhile are dropped, not queued), a frame rate and frame size limit ({@link FrameLimits}), a
 * few connections per user. Frames are decoded and classified on a small shared pool, so the connection's own
 * thread never waits on a model; a pool that is full drops the frame.
 */
final class LiveFaces {
    /** The socket's path. */
    static final String PATH = "/api/2.0/chimp/emotion/live";
    /** Open connections one user may have (a few tabs). */
    static final int MAX_PER_USER = 4;
    /** Open connections in all. */
    static final int MAX_CONNECTIONS = 256;
    private static final Duration SESSION_RECHECK = Duration.ofMinutes(1);
    private static final Duration IDLE = Duration.ofMinutes(2);
    private static final int MAX_TEXT_BYTES = 1024;
    private static final int MAX_QUEUED_ANSWERS = 8;
    private static final String USER = LiveFaces.class.getName() + ".user";
    private static final String COOKIE = LiveFaces.class.getName() + ".cookie";
    private static final Logger LOG = LoggerFactory.getLogger(LiveFaces.class);

    private final Authenticator auth;
    private final FaceInference faces;
    private final String model;
    private final FrameLimits limits;
    private final Map<String, LiveConnection> open = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor pool;

    LiveFaces(Authenticator auth, FaceInference faces, String model, FrameLimits limits) {
        this.auth = auth;
        this.faces = faces;
        this.model = model;
        this.limits = limits;
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        AtomicInteger n = new AtomicInteger();
        // Few threads, a short queue: a frame that would wait long is stale by the time it is answered anyway.
        pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(threads * 4), r -> {
            Thread t = new Thread(r, "chimp-emotion-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    void addTo(Javalin app) {
        app.wsBeforeUpgrade(PATH, this::admit);
        app.ws(PATH, ws -> {
            ws.onConnect(this::connected);
            ws.onBinaryMessage(this::frame);
            ws.onMessage(ctx -> send(ctx, LiveMessage.error(0, 400, "Send webcam frames as binary messages (JPEG or PNG)")));
            ws.onClose(ctx -> open.remove(ctx.sessionId()));
            ws.onError(ctx -> open.remove(ctx.sessionId()));
        });
    }

    /** Before the upgrade: same origin, a valid browser session. Refusals are plain HTTP answers (403, 401). */
    void admit(Context ctx) {
        if (!sameOrigin(ctx.header("Origin"), ctx.header("Host"))) {
            throw new ForbiddenResponse("The live socket is opened only by this server's own page (Origin "
                    + (ctx.header("Origin") == null ? "missing" : "'" + ctx.header("Origin") + "'") + " is not this host)");
        }
        String cookie = ctx.cookie(Authenticator.SESSION_COOKIE);
        Principal p = auth.browserSession(cookie).orElseThrow(() ->
                ClientErrorException.unauthorized("The live socket needs a login session: sign in at /login"));
        ctx.attribute(USER, p.name());
        ctx.attribute(COOKIE, cookie);
    }

    /** Whether an {@code Origin} header names the host the request was sent to ({@code Host}), ports included. */
    static boolean sameOrigin(String origin, String host) {
        if (origin == null || host == null) {
            return false;
        }
        try {
            URI o = URI.create(origin);
            URI h = URI.create(o.getScheme() + "://" + host);
            return bare(o) && bare(h) && o.getHost().toLowerCase(Locale.ROOT).equals(h.getHost().toLowerCase(Locale.ROOT))
                    && port(o) == port(h);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Scheme, host and port only: what an origin and a Host header may hold. */
    private static boolean bare(URI u) {
        return u.getHost() != null && u.getRawUserInfo() == null && (u.getRawPath() == null || u.getRawPath().isEmpty())
                && u.getRawQuery() == null && u.getRawFragment() == null;
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private void connected(WsConnectContext ctx) {
        String user = ctx.attribute(USER);
        // Browsers send a message as one frame: Jetty's 64 KB default frame size would refuse a frame within the limit.
        ctx.session.setMaxFrameSize(limits.maxFrameBytes());
        ctx.session.setMaxBinaryMessageSize(limits.maxFrameBytes());
        ctx.session.setMaxTextMessageSize(MAX_TEXT_BYTES);
        ctx.session.setIdleTimeout(IDLE);
        ctx.session.getRemote().setMaxOutgoingFrames(MAX_QUEUED_ANSWERS);
        if (open.size() >= MAX_CONNECTIONS) {
            ctx.closeSession(WsCloseStatus.TRY_AGAIN_LATER, "Too many live connections; try again later");
            return;
        }
        if (open.values().stream().filter(c -> c.user.equals(user)).count() >= MAX_PER_USER) {
            ctx.closeSession(WsCloseStatus.POLICY_VIOLATION, "At most " + MAX_PER_USER + " live connections per user; close another tab");
            return;
        }
        open.put(ctx.sessionId(), new LiveConnection(user, ctx.attribute(COOKIE), System.nanoTime()));
    }

    private void frame(WsBinaryMessageContext ctx) {
        LiveConnection c = open.get(ctx.sessionId());
        if (c == null) {
            return;
        }
        long frame = ++c.frames;
        long now = System.nanoTime();
        if (now - c.sessionCheckedNanos > SESSION_RECHECK.toNanos()) {
            c.sessionCheckedNanos = now;
            if (auth.browserSession(c.cookie).isEmpty()) {
                ctx.closeSession(WsCloseStatus.POLICY_VIOLATION, "The login session has ended; sign in again");
                return;
            }
        }
        if (now - c.lastAcceptedNanos < limits.minGapNanos()) {
            if (++c.tooFastInARow > FrameLimits.MAX_TOO_FAST_IN_A_ROW) {
                ctx.closeSession(WsCloseStatus.POLICY_VIOLATION, "Frames keep coming faster than " + limits.maxFps() + " a second");
                return;
            }
            send(ctx, LiveMessage.dropped(frame, "at most " + limits.maxFps() + " frames a second"));
            return;
        }
        c.tooFastInARow = 0;
        if (!c.busy.compareAndSet(false, true)) {
            send(ctx, LiveMessage.dropped(frame, "the previous frame is still being answered"));
            return;
        }
        c.lastAcceptedNanos = now;
        byte[] bytes = Arrays.copyOfRange(ctx.data(), ctx.offset(), ctx.offset() + ctx.length());
        try {
            pool.execute(() -> answer(ctx, c, frame, bytes));
        } catch (RejectedExecutionException e) {
            c.busy.set(false);
            send(ctx, LiveMessage.dropped(frame, "the server is busy"));
        }
    }

    private void answer(WsContext ctx, LiveConnection c, long frame, byte[] bytes) {
        long start = System.nanoTime();
        try (ImageScope decoded = ImageScope.open()) {
            Image photo = Image.decode(bytes, limits.imageLimits());
            var found = faces.read(model, c.user, photo);
            send(ctx, LiveMessage.faces(frame, found, (System.nanoTime() - start) / 1_000_000));
        } catch (ClientErrorException e) {
            send(ctx, LiveMessage.error(frame, e.status(), e.getMessage()));
        } catch (BusyException e) {
            send(ctx, LiveMessage.error(frame, 503, e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("A live frame of {} failed", c.user, e);
            send(ctx, LiveMessage.error(frame, 500, "The frame could not be answered; the server log has the details"));
        } finally {
            c.busy.set(false);
        }
    }

    /** Sends without blocking: a client that stops reading fills its few queued answers and is disconnected. */
    private static void send(WsContext ctx, LiveMessage m) {
        if (!ctx.session.isOpen()) {
            return;
        }
        String text;
        try {
            text = Json.MAPPER.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try {
            ctx.session.getRemote().sendString(text, new WriteCallback() {
                @Override
                public void writeFailed(Throwable x) {
                    ctx.session.close(WsCloseStatus.POLICY_VIOLATION.getCode(), "Answers are not being read");
                }
            });
        } catch (RuntimeException e) {
            ctx.session.close(WsCloseStatus.POLICY_VIOLATION.getCode(), "Answers are not being read");
        }
    }
}
