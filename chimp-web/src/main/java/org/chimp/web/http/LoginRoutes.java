package org.chimp.web.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.util.Optional;
import org.chimp.http.Principal;
import org.chimp.http.Routes;
import org.chimp.web.identity.Identity;
import org.chimp.web.identity.LoginThrottle;
import org.chimp.web.identity.Passwords;
import org.chimp.web.identity.Secrets;
import org.chimp.web.identity.Sessions;
import org.chimp.web.identity.User;

/**
 * Browser login: {@code GET /login} (a plain form, no scripts), {@code POST /login} (form fields {@code username},
 * {@code password}, {@code _csrf}), {@code POST /logout}, and {@code GET /api/2.0/chimp/whoami} (who the caller
 * is, and the session's CSRF token for pages that post). Login attempts are throttled per address and per name
 * (429 with Retry-After); the login form carries a double-submit CSRF value, so another site cannot log a
 * browser into an account of its choosing.
 */
public final class LoginRoutes implements Routes {
    /** The login page and form target. */
    public static final String LOGIN = "/login";
    /** Ends the session. */
    public static final String LOGOUT = "/logout";
    /** Who is calling. */
    public static final String WHOAMI = "/api/2.0/chimp/whoami";

    private static final Duration FORM_LIFETIME = Duration.ofHours(1);

    private final Identity identity;
    private final LoginThrottle throttle;

    public LoginRoutes(Identity identity, LoginThrottle throttle) {
        this.identity = identity;
        this.throttle = throttle;
    }

    @Override
    public void addTo(Javalin app) {
        app.get(LOGIN, this::page);
        app.post(LOGIN, this::login);
        app.post(LOGOUT, this::logout);
        app.get(WHOAMI, this::whoami);
    }

    private void page(Context ctx) {
        Optional<Sessions.Session> session = Optional.ofNullable(Cookies.read(ctx.req(), Cookies.SESSION))
                .flatMap(identity.sessions()::resolve);
        if (session.isPresent()) {
            User u = session.get().user();
            html(ctx, 200, "<p>Signed in as <b>" + LoginPage.escape(u.name()) + "</b> (" + u.role().id() + ").</p>"
                    + "<p><a href=\"/\">Open the emotion page</a></p>"
                    + "<p><a href=\"/dashboard\">Open the dashboard</a></p>"
                    + "<form method=\"post\" action=\"" + LOGOUT + "\"><input type=\"hidden\" name=\"_csrf\" value=\""
                    + session.get().csrfToken() + "\"><button type=\"submit\">Sign out</button></form>");
            return;
        }
        form(ctx, 200, null);
    }

    private void form(Context ctx, int status, String error) {
        String csrf = Secrets.random("");
        Cookies.set(ctx, Cookies.LOGIN_CSRF, csrf, LOGIN, FORM_LIFETIME, "Strict");
        html(ctx, status, LoginPage.form(csrf, error));
    }

    private void login(Context ctx) {
        String name = ctx.formParam("username");
        String password = ctx.formParam("password");
        // Counted first: every attempt costs a token, whatever else is wrong with it.
        long wait = throttle.attempt(ctx.req().getRemoteAddr(), name);
        if (wait > 0) {
            ctx.header("Retry-After", Long.toString(wait));
            throw new HttpResponseException(HttpStatus.TOO_MANY_REQUESTS.getCode(),
                    "Too many login attempts; try again in " + wait + " s");
        }
        String expected = Cookies.read(ctx.req(), Cookies.LOGIN_CSRF);
        if (!Secrets.equal(ctx.formParam("_csrf"), expected)) {
            throw new ForbiddenResponse("The login form has expired or was not sent from this site's /login page; "
                    + "reload /login and try again");
        }
        Optional<User> user = name == null || password == null || password.length() > Passwords.MAX_LENGTH
                ? Optional.empty() : identity.users().authenticate(name, password);
        if (user.isEmpty()) {
            if (wantsHtml(ctx)) {
                form(ctx, 401, "Wrong user name or password.");
                return;
            }
            throw new HttpResponseException(401, "Wrong user name or password");
        }
        String secret = identity.sessions().start(user.get());
        Cookies.set(ctx, Cookies.SESSION, secret, "/", identity.sessions().lifetime(), "Lax");
        Cookies.clear(ctx, Cookies.LOGIN_CSRF, LOGIN, "Strict");
        if (wantsHtml(ctx)) {
            ctx.redirect(LOGIN, HttpStatus.SEE_OTHER);
            return;
        }
        Sessions.Session s = identity.sessions().resolve(secret).orElseThrow();
        ctx.json(WhoAmI.of(Authenticator.principal(user.get(), Principal.Via.SESSION), s.csrfToken()));
    }

    private void logout(Context ctx) {
        String cookie = Cookies.read(ctx.req(), Cookies.SESSION);
        if (cookie != null) {
            identity.sessions().end(cookie);
            Cookies.clear(ctx, Cookies.SESSION, "/", "Lax");
        }
        if (wantsHtml(ctx)) {
            ctx.redirect(LOGIN, HttpStatus.SEE_OTHER);
            return;
        }
        ctx.json(new WhoAmI.LoggedOut(cookie != null));
    }

    private void whoami(Context ctx) {
        Principal p = Principal.of(ctx).orElseThrow();
        String csrf = p.via() == Principal.Via.SESSION
                ? identity.sessions().resolve(Cookies.read(ctx.req(), Cookies.SESSION)).map(Sessions.Session::csrfToken).orElse(null)
                : null;
        ctx.json(WhoAmI.of(p, csrf));
    }

    private static boolean wantsHtml(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && accept.contains("text/html");
    }

    private static void html(Context ctx, int status, String body) {
        ctx.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Cache-Control", "no-store");
        ctx.status(status).contentType("text/html; charset=utf-8").result(LoginPage.wrap(body));
    }
}
