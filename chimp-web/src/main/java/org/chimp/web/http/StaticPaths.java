package org.chimp.web.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import io.javalin.http.staticfiles.StaticFileConfig;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the pages' static folders share: the WebJars (chart libraries bundled in the jar, public at
 * {@value #WEBJARS}) and the check every static folder applies to request paths
 * ({@code files.skipFileFunction = req -> !StaticPaths.plain(req.getRequestURI())}). Javalin looks a static file up
 * while it plans a request, before any handler runs, and its lookup fails with a 500 on paths such as
 * {@code /dashboard/../x} or {@code %zz}: such paths never reach it.
 */
public final class StaticPaths {
    /** Where the WebJars are served. */
    public static final String WEBJARS = "/webjars";
    private static final int MAX_PATH = 512;
    private static final Pattern PLAIN = Pattern.compile("/[A-Za-z0-9/_.-]*");

    private StaticPaths() {
    }

    /**
     * Whether a request path is one a static file can have: letters, digits and {@code / _ . -}, no segment
     * starting with a dot (so no {@code ..}), no empty segment, no percent-encoding, at most 512 characters.
     */
    public static boolean plain(String uri) {
        return uri != null && uri.length() <= MAX_PATH && PLAIN.matcher(uri).matches() && !uri.contains("/.") && !uri.contains("//");
    }

    /** Serves the WebJars (what {@code enableWebjars()} sets up, with the path check); once per app. */
    public static void webjars(JavalinConfig cfg) {
        cfg.staticFiles.add((StaticFileConfig files) -> {
            files.hostedPath = WEBJARS;
            files.directory = "META-INF/resources/webjars";
            files.location = Location.CLASSPATH;
            files.headers = Map.of("Cache-Control", "max-age=31622400");
            files.skipFileFunction = req -> !plain(req.getRequestURI());
        });
    }
}
