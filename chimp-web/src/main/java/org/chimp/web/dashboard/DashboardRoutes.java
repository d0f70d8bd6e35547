package org.chimp.web.dashboard;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.regex.Pattern;
import org.chimp.http.Principal;
import org.chimp.http.Routes;

/**
 * Serves the dashboard: {@code GET /dashboard} (the page; a caller who is not signed in is sent to
 * {@code /login}), its scripts and styles under {@code /dashboard/...}
 * (classpath {@code web/dashboard}), and the chart libraries' WebJars under {@code /webjars/...}
 * (public, like other static files). The page reads
 * everything through the REST endpoints with the session cookie, so it holds no data of its own.
 */
public final class DashboardRoutes implements Routes {
    /** The page's path. */
    public static final String PATH = "/dashboard";
    /** CHIMP's shared page styles (other pages link them too). */
    public static final String SHARED_CSS = PATH + "/chimp.css";
    /** Where the page's files are on the class path. */
    static final String RESOURCES = "/web/dashboard";
    /** Where the WebJars (the chart libraries) are served. */
    public static final String WEBJARS = "/webjars";
    private static final int MAX_PATH = 512;
    private static final Pattern PLAIN = Pattern.compile("/[A-Za-z0-9/_.-]*");

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

    /** Adds the static files and WebJars to an app's configuration (before the app is created). */
    public static void configure(JavalinConfig cfg) {
        // What enableWebjars() sets up, plus the path check: Javalin looks a static file up while it plans a
        // request, before any handler runs, and a path its resource lookup cannot take ("/dashboard/../x",
        // "%zz") would fail there with a 500.
        cfg.staticFiles.add(files -> {
            files.hostedPath = WEBJARS;
            files.directory = "META-INF/resources/webjars";
            files.location = Location.CLASSPATH;
            files.headers = Map.of("Cache-Control", "max-age=31622400");
            files.skipFileFunction = req -> !plainPath(req.getRequestURI());
        });
        cfg.staticFiles.add(files -> {
            files.hostedPath = PATH;
            files.directory = RESOURCES;
            files.location = Location.CLASSPATH;
            files.headers = HEADERS;
            files.skipFileFunction = req -> !plainPath(req.getRequestURI());
        });
    }

    /**
     * Whether a request path is one a static file can have: letters, digits and {@code / _ . -}, no segment
     * starting with a dot (so no {@code ..}), no empty segment and no percent-encoding. Every static folder
     * should skip other paths ({@code skipFileFunction}): Javalin's lookup fails on some of them with a 500.
     */
    public static boolean plainPath(String uri) {
        return uri != null && uri.length() <= MAX_PATH && PLAIN.matcher(uri).matches() && !uri.contains("/.") && !uri.contains("//");
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
