package org.chimp.web.http;

import io.javalin.http.Context;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;

/** The cookies CHIMP sets, with the attributes browsers need to keep them from scripts and other sites. */
final class Cookies {
    /** The browser session. */
    static final String SESSION = "chimp_session";
    /** The login form's double-submit CSRF value (before there is a session to tie a token to). */
    static final String LOGIN_CSRF = "chimp_login_csrf";

    private Cookies() {
    }

    /** The value of a request cookie, or null. */
    static String read(HttpServletRequest req, String name) {
        Cookie[] cookies = req.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (name.equals(c.getName())) {
                    return c.getValue();
                }
            }
        }
        return null;
    }

    /**
     * Sets a cookie: HttpOnly (no script reads it), with the given SameSite, and Secure when the request came over
     * TLS, directly or through a proxy that says so in {@code X-Forwarded-Proto} (a Secure cookie over plain HTTP
     * would never be sent back, so it is only Secure where it can be).
     */
    static void set(Context ctx, String name, String value, String path, Duration maxAge, String sameSite) {
        StringBuilder b = new StringBuilder(name).append('=').append(value).append("; Path=").append(path)
                .append("; Max-Age=").append(maxAge.toSeconds()).append("; HttpOnly; SameSite=").append(sameSite);
        if (secure(ctx)) {
            b.append("; Secure");
        }
        ctx.res().addHeader("Set-Cookie", b.toString());
    }

    /** Removes a cookie from the browser. */
    static void clear(Context ctx, String name, String path, String sameSite) {
        set(ctx, name, "", path, Duration.ZERO, sameSite);
    }

    static boolean secure(Context ctx) {
        return "https".equalsIgnoreCase(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
    }
}
