package org.chimp.http;

import io.javalin.http.Context;
import java.util.Optional;

/**
 * Who is making a request, once authentication has run: a user (or the operator holding the admin token) with
 * a role, and how they proved it. Handlers that act "for the caller" (personal models, calibration) read it with
 * {@link #of(Context)}.
 *
 * @param name the user's name; {@code admin} for the admin token
 * @param admin whether the caller has the admin role
 * @param via   how the caller authenticated
 */
public record Principal(String name, boolean admin, Via via) {
    /** How a caller authenticated. */
    public enum Via {
        /** The deployment's admin token ({@code CHIMP_ADMIN_TOKEN} or {@code <data-dir>/admin-token}). */
        ADMIN_TOKEN,
        /** A user's API token. */
        API_TOKEN,
        /** A browser session cookie (state changes need the session's CSRF token). */
        SESSION,
        /** The scrape token ({@code --metrics-token}): valid for {@code GET /metrics} only. */
        METRICS_TOKEN
    }

    /** The request attribute the authenticated principal is kept under. */
    public static final String ATTRIBUTE = Principal.class.getName();

    /** The principal of the admin token. */
    public static Principal adminToken() {
        return new Principal("admin", true, Via.ADMIN_TOKEN);
    }

    /** The principal of the scrape token: no role, accepted by {@code GET /metrics} alone. */
    public static Principal metricsScraper() {
        return new Principal("metrics", false, Via.METRICS_TOKEN);
    }

    /** The caller of this request, if authenticated (public endpoints may be called anonymously). */
    public static Optional<Principal> of(Context ctx) {
        return Optional.ofNullable(ctx.attribute(ATTRIBUTE));
    }
}
