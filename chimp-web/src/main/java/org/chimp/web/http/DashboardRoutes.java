package org.chimp.web.http;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.chimp.http.Principal;
import org.chimp.http.Routes;

/**
 * Serves the dashboard: {@code GET /dashboard} (the page; a caller who is not signed in is sent to {@code /login})
 * and its scripts and styles under {@code /dashboard/...} (classpath {@code web/dashboard}); the chart libraries
 * come from the WebJars ({@link StaticPaths}). The page reads everything through the REST endpoints with the
 * session cookie, so it holds no data of its own.
 */
public final class DashboardRoutes implements Routes {
    /** The page's path. */
    public static final String PATH = "/dashboard";
    /** CHIMP's shared page styles (other pages link them too). */
    public static final String SHARED_CSS = PATH + "/chimp.css";
    /** Where the page's files are on the class path. */
    static final String RESOURCES = "/web/dashboard";

    /**
     * Scripts only from this origin (ES modules and the WebJars), no inline script and no eval; inline styles are
     * allowed because the chart libraries set them on the elements they draw (as the login page allows them).
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "same-origin",
            // revalidated on every load, so a new version of the scripts is never mixed with cached old ones
            "Cache-Control", "no-cache");

    private final byte[] page;

    public DashboardRoutes() {
        try (InputStream in = DashboardRoutes.class.getResourceAsStream(RESOURCES + "/index.html")) {
            if (in == null) {
                throw new IllegalStateException("The dashboard page " + RESOURCES + "/index.html is missing from the class path");
            }
            page = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds the page's static files to an app's configuration (before the app is created; the WebJars: {@link StaticPaths}). */
    public static void configure(JavalinConfig cfg) {
        cfg.staticFiles.add(files -> {
            files.hostedPath = PATH;
            files.directory = RESOURCES;
            files.location = Location.CLASSPATH;
            files.headers = HEADERS;
            files.skipFileFunction = req -> !StaticPaths.plain(req.getRequestURI());
        });
    }

    @Override
    public void addTo(Javalin app) {
        app.get(PATH, this::page);
    }

    private void page(Context ctx) {
        if (Principal.of(ctx).isEmpty()) {
            // The page is where people arrive by typing the URL: they are sent to sign in, not shown a JSON 401.
            ctx.redirect("/login", HttpStatus.SEE_OTHER);
            return;
        }
        HEADERS.forEach(ctx::header);
        ctx.header("Cache-Control", "no-store");
        ctx.contentType("text/html; charset=utf-8").result(page);
    }
}
