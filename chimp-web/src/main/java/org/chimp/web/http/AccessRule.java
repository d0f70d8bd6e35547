package org.chimp.web.http;

import io.javalin.http.Context;
import java.util.function.Predicate;

/**
 * One line of the access table: requests with this method (or {@code *}) on this route need this access.
 * {@code path} is a route exactly as registered with Javalin ({@code /jobs/{id}/cancel}), or a prefix ending in
 * {@code *}. An {@link Access#ADMIN} rule may let users through for some requests ({@code userMay}): a training
 * plugin a user may run for themself, for example.
 */
public record AccessRule(String method, String path, Access access, Predicate<Context> userMay) {
    public AccessRule {
        if (access == Access.PUBLIC && (path.contains("{") || path.contains("<"))) {
            throw new IllegalArgumentException("A public rule must be a literal path or a prefix: " + path);
        }
    }

    /** A rule without exceptions. */
    public static AccessRule of(String method, String path, Access access) {
        return new AccessRule(method, path, access, ctx -> false);
    }

    /** Admins only, except requests {@code userMay} accepts, which any user may make. */
    public static AccessRule adminUnless(String method, String path, Predicate<Context> userMay) {
        return new AccessRule(method, path, Access.ADMIN, userMay);
    }

    /** Whether this rule covers a request with this method on this registered route (HEAD is a GET). */
    boolean covers(String requestMethod, String route) {
        String m = "HEAD".equals(requestMethod) ? "GET" : requestMethod;
        return (method.equals("*") || method.equals(m)) && matchesPath(route);
    }

    /** Whether this rule's path covers a route or a literal request path. */
    boolean matchesPath(String p) {
        return path.endsWith("*") ? p.startsWith(path.substring(0, path.length() - 1)) : path.equals(p);
    }
}
