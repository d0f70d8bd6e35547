package org.chimp.web.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HandlerType;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.chimp.api.error.ClientErrorException;
import org.chimp.http.BearerAuth;
import org.chimp.http.Principal;
import org.chimp.http.metrics.MetricsRoutes;
import org.chimp.web.identity.ApiTokens;
import org.chimp.web.identity.Identity;
import org.chimp.web.identity.Secrets;
import org.chimp.web.identity.Sessions;
import org.chimp.web.identity.User;
import org.chimp.web.identity.UserRole;

/**
 * Finds out who is calling and whether they may: the admin token, a user's API token ({@code Authorization:
 * Bearer}) or a browser session cookie make a {@link Principal}; the {@link AccessRules} decide per route.
 *
 * <p>Authentication runs as a before-handler on every path: a request without valid credentials outside the
 * public paths is a 401, whether or not its route exists (unknown paths tell an anonymous caller nothing).
 * Authorization runs once the route is matched, on the route as registered, so the table names routes, not
 * URLs: a user calling an admin route gets 403. Requests authenticated by session cookie that change something
 * must carry the session's CSRF token ({@code X-CSRF-Token} header or {@code _csrf} form field); bearer tokens
 * need none, since browsers never send them on their own.
 *
 * <p>{@link #admits} answers the body spooler before any body is read: it does the real lookup (one indexed
 * query by SHA-256), whose result is kept on the request and reused by the before-handler, so an anonymous
 * caller cannot make the server spool a body by sending something token-shaped.
 */
public final class Authenticator {
    /** The browser session cookie's name. */
    public static final String SESSION_COOKIE = Cookies.SESSION;
    private static final String RESOLVED = Authenticator.class.getName() + ".resolved";

    private final BearerAuth adminToken;
    private final BearerAuth scrapeToken;
    private final Identity identity;
    private final AccessRules rules;

    /** What the credentials of a request turned out to be. */
    private record Resolved(Principal principal, String csrfToken, boolean badToken) {
        static final Resolved NONE = new Resolved(null, null, false);
        static final Resolved BAD_TOKEN = new Resolved(null, null, true);
    }

    /**
     * @param adminToken the deployment's admin token check (its public paths are not used: the rules say what is public)
     */
    public Authenticator(BearerAuth adminToken, Identity identity, AccessRules rules) {
        this(adminToken, null, identity, rules);
    }

    /**
     * @param scrapeToken the token that lets Prometheus read {@code GET /metrics} and nothing else (a
     *                    {@link Principal#metricsScraper()} there, an invalid token anywhere else), or null for none
     */
    public Authenticator(BearerAuth adminToken, BearerAuth scrapeToken, Identity identity, AccessRules rules) {
        this.adminToken = adminToken;
        this.scrapeToken = scrapeToken;
        this.identity = identity;
        this.rules = rules;
    }

    /** Installs authentication (every request) and authorization (matched routes). */
    public void install(Javalin app) {
        app.before(this::authenticate);
        app.beforeMatched(this::authorize);
    }

    /** Whether a request would pass authentication (read before its body is, so refused bodies are never read). */
    public boolean admits(HttpServletRequest req) {
        return "OPTIONS".equals(req.getMethod()) || rules.isPublicPath(req.getRequestURI()) || resolve(req).principal() != null;
    }

    /**
     * The user signed in with this browser session cookie value ({@link #SESSION_COOKIE}), if it is still valid: how
     * a WebSocket authenticates (browsers cannot set headers on it, and Javalin runs no before-handler for its
     * upgrade), at the upgrade and again while it stays open.
     */
    public Optional<Principal> browserSession(String cookie) {
        return cookie == null ? Optional.empty()
                : identity.sessions().resolve(cookie).map(s -> principal(s.user(), Principal.Via.SESSION));
    }

    void authenticate(Context ctx) {
        if (ctx.method() == HandlerType.OPTIONS) {
            return;
        }
        boolean open = rules.isPublicPath(ctx.path());
        Resolved r = resolve(ctx.req());
        if (r.principal() != null) {
            ctx.attribute(Principal.ATTRIBUTE, r.principal());
            if (!open && r.csrfToken() != null && changes(ctx)) {
                checkCsrf(ctx, r.csrfToken());
            }
            return;
        }
        if (open) {
            return;
        }
        if (r.badToken()) {
            ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            throw ClientErrorException.unauthorized("The bearer token is not valid (unknown, revoked or expired)");
        }
        ctx.header("WWW-Authenticate", "Bearer");
        throw ClientErrorException.unauthorized("This endpoint needs 'Authorization: Bearer <token>' (the admin token, "
                + "printed when the server starts and settable with CHIMP_ADMIN_TOKEN, or a user's API token) or a "
                + "login session (/login)");
    }

    void authorize(Context ctx) {
        AccessRule rule = rules.ruleFor(ctx.method().name(), route(ctx));
        if (rule.access() == Access.PUBLIC) {
            return;
        }
        Optional<Principal> p = Principal.of(ctx);
        if (p.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw ClientErrorException.unauthorized("This endpoint needs 'Authorization: Bearer <token>' or a login session");
        }
        if (rule.access() == Access.ADMIN && !p.get().admin() && !rule.userMay().test(ctx)) {
            throw new ForbiddenResponse("Only an admin may " + ctx.method() + " " + ctx.path() + "; '" + p.get().name()
                    + "' has the user role");
        }
    }

    /**
     * The registered route of a request; for a static file (matched by no route, so Javalin reports the
     * before-matched handler's own path, {@code *}) the request path, which the static file handlers only serve
     * when it names a file inside their folders.
     */
    private static String route(Context ctx) {
        String route = ctx.endpointHandlerPath();
        return "*".equals(route) ? ctx.path() : route;
    }

    private void checkCsrf(Context ctx, String expected) {
        String given = ctx.header("X-CSRF-Token");
        if (given == null) {
            given = ctx.formParam("_csrf");
        }
        if (!Secrets.equal(given, expected)) {
            throw new ForbiddenResponse("A change made with a login session needs the session's CSRF token in the "
                    + "X-CSRF-Token header or the _csrf form field (GET /api/2.0/chimp/whoami gives it)");
        }
    }

    private static boolean changes(Context ctx) {
        HandlerType m = ctx.method();
        return m != HandlerType.GET && m != HandlerType.HEAD && m != HandlerType.OPTIONS;
    }

    /** The request's credentials, looked up once per request. */
    private Resolved resolve(HttpServletRequest req) {
        if (req.getAttribute(RESOLVED) instanceof Resolved r) {
            return r;
        }
        Resolved r = lookUp(req);
        req.setAttribute(RESOLVED, r);
        return r;
    }

    private Resolved lookUp(HttpServletRequest req) {
        String bearer = BearerAuth.bearerToken(req.getHeader("Authorization"));
        if (bearer != null) {
            if (adminToken.isAdminToken(bearer)) {
                return new Resolved(Principal.adminToken(), null, false);
            }
            if (scrapeToken != null && MetricsRoutes.PATH.equals(req.getRequestURI()) && scrapeToken.matches(bearer)) {
                return new Resolved(Principal.metricsScraper(), null, false);
            }
            Optional<User> user = ApiTokens.looksLikeToken(bearer) ? identity.tokens().resolve(bearer) : Optional.empty();
            return user.map(u -> new Resolved(principal(u, Principal.Via.API_TOKEN), null, false)).orElse(Resolved.BAD_TOKEN);
        }
        String cookie = Cookies.read(req, Cookies.SESSION);
        if (cookie != null) {
            Optional<Sessions.Session> s = identity.sessions().resolve(cookie);
            if (s.isPresent()) {
                return new Resolved(principal(s.get().user(), Principal.Via.SESSION), s.get().csrfToken(), false);
            }
        }
        return Resolved.NONE;
    }

    static Principal principal(User u, Principal.Via via) {
        return new Principal(u.name(), u.role() == UserRole.ADMIN, via);
    }
}
