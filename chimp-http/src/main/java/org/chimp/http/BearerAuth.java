package org.chimp.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.chimp.api.error.ClientErrorException;

/**
 * Requires {@code Authorization: Bearer <token>} on every request except the public paths (liveness, health
 * and static files; {@code /metrics} needs the token). CHIMP's originals had no auth on training or serving at all.
 */
public final class BearerAuth {
    private final byte[] token;
    private final List<String> publicPaths;

    /**
     * @param token       the token callers must present
     * @param publicPaths exact paths, or prefixes ending in {@code *}, that need no token
     */
    public BearerAuth(String token, List<String> publicPaths) {
        if (token == null || token.length() < 16) {
            throw new IllegalArgumentException("The admin token must be at least 16 characters");
        }
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.publicPaths = List.copyOf(publicPaths);
    }

    /** The paths open to everyone in every CHIMP app. */
    public static List<String> defaultPublicPaths() {
        return List.of("/ping", "/ping/", "/health", "/health/", "/v2/health/live", "/v2/health/ready",
                "/", "/index.html", "/static/*", "/webjars/*");
    }

    /** Installs the check as a before-handler. */
    public void install(Javalin app) {
        app.before(this::check);
    }

    /** Whether a request would pass the check (read before its body is, so refused bodies are never read). */
    public boolean admits(HttpServletRequest req) {
        return "OPTIONS".equals(req.getMethod()) || isPublic(req.getRequestURI()) || valid(req.getHeader("Authorization"));
    }

    void check(Context ctx) {
        if (ctx.method() == HandlerType.OPTIONS || isPublic(ctx.path())) {
            return;
        }
        String header = ctx.header("Authorization");
        if (!hasBearer(header)) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw ClientErrorException.unauthorized("This endpoint needs 'Authorization: Bearer <token>'; "
                    + "the token is printed when the server starts and can be set with CHIMP_ADMIN_TOKEN");
        }
        if (!valid(header)) {
            ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            throw ClientErrorException.unauthorized("The bearer token is not valid");
        }
    }

    private static boolean hasBearer(String header) {
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7);
    }

    /** The token of an {@code Authorization: Bearer <token>} header, or null for no header or another scheme. */
    public static String bearerToken(String header) {
        return hasBearer(header) ? header.substring(7).trim() : null;
    }

    /** Whether a token is the admin token. */
    public boolean isAdminToken(String given) {
        return matches(given);
    }

    /** Whether a token is this check's token (an admin token, or another single-purpose token such as the scrape token). */
    public boolean matches(String given) {
        // Constant-time comparison, so the token cannot be guessed byte by byte from response times.
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token);
    }

    private boolean valid(String header) {
        return isAdminToken(bearerToken(header));
    }

    boolean isPublic(String path) {
        for (String p : publicPaths) {
            if (p.endsWith("*") ? path.startsWith(p.substring(0, p.length() - 1)) : path.equals(p)) {
                return true;
            }
        }
        return false;
    }
}
