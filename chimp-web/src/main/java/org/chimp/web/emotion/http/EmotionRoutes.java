package org.chimp.web.emotion.http;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.chimp.api.Names;
import org.chimp.api.error.ClientErrorException;
import org.chimp.http.Json;
import org.chimp.http.Principal;
import org.chimp.http.Requests;
import org.chimp.http.Routes;
import org.chimp.serving.http.FaceInference;
import org.chimp.store.DatasetStore;
import org.chimp.web.emotion.Corrections;
import org.chimp.web.emotion.FrameLimits;
import org.chimp.web.http.Authenticator;
import org.chimp.web.http.StaticPaths;

/**
 * The emotion page, the first page a user opens: {@code GET /} (the page; a browser that is not signed in is sent
 * to {@code /login}), its scripts and styles under {@value #ASSETS}/, {@code GET} {@value #SETTINGS}, the live
 * socket ({@link LiveFaces}) and {@code POST} {@value #CORRECTIONS} ({@link Corrections}). Calibration uses the
 * dataset and task endpoints as they are.
 */
public final class EmotionRoutes implements Routes {
    /** The page. */
    public static final String PAGE = "/";
    /** Its scripts and styles. */
    public static final String ASSETS = "/emotion";
    /** The page's settings for the signed-in user. */
    public static final String SETTINGS = "/api/2.0/chimp/emotion/settings";
    /** "That's wrong". */
    public static final String CORRECTIONS = "/api/2.0/chimp/emotion/corrections";
    /** The live socket (a WebSocket: authenticated and checked by itself, not by the access table). */
    public static final String SOCKET = LiveFaces.PATH;
    /** The registered model the page asks unless told otherwise. */
    public static final String DEFAULT_MODEL = "emotion";

    private static final String RESOURCES = "/web/emotion";
    private static final Map<String, String> HEADERS = Map.of(
            // Scripts, styles, charts and the socket come from this server only; the camera never leaves the page
            // except as the frames the script sends.
            "Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                    + "img-src 'self' data: blob:; media-src 'self' blob: mediastream:; connect-src 'self'; "
                    + "frame-ancestors 'none'; form-action 'self'",
            "X-Frame-Options", "DENY",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "same-origin",
            "Cache-Control", "no-store");

    private final String model;
    private final FrameLimits limits;
    private final LiveFaces live;
    private final Corrections corrections;
    private final String page;

    /**
     * @param auth     checks the socket's session cookie
     * @param faces    face inference, in process
     * @param datasets where corrections go
     * @param model    the registered model that answers
     */
    public EmotionRoutes(Authenticator auth, FaceInference faces, DatasetStore datasets, String model, FrameLimits limits) {
        this.model = Names.modelName(model);
        this.limits = limits;
        this.live = new LiveFaces(auth, faces, model, limits);
        this.corrections = new Corrections(datasets);
        this.page = resource(RESOURCES + "/index.html");
    }

    /** Adds the page's static files to an app's configuration (the WebJars its chart comes from: {@link StaticPaths}). */
    public static void configure(JavalinConfig cfg) {
        cfg.staticFiles.add(files -> {
            files.hostedPath = ASSETS;
            files.directory = RESOURCES;
            files.location = Location.CLASSPATH;
            files.headers = Map.of("X-Content-Type-Options", "nosniff", "Cache-Control", "no-cache");
            files.skipFileFunction = req -> !StaticPaths.plain(req.getRequestURI());
        });
    }

    @Override
    public void addTo(Javalin app) {
        app.get(PAGE, this::page);
        app.get(SETTINGS, ctx -> ctx.json(PageSettings.of(Principal.of(ctx).orElseThrow().name(), model, limits)));
        app.post(CORRECTIONS, this::correct);
        live.addTo(app);
    }

    private void page(Context ctx) {
        if (Principal.of(ctx).isEmpty()) {
            ctx.redirect("/login", HttpStatus.SEE_OTHER);
            return;
        }
        HEADERS.forEach(ctx::header);
        ctx.contentType("text/html; charset=utf-8").result(page);
    }

    private void correct(Context ctx) {
        Corrections.Correction c;
        try {
            c = Json.MAPPER.treeToValue(Requests.jsonBody(ctx), Corrections.Correction.class);
        } catch (IOException e) {
            throw ClientErrorException.invalid("The body must be {\"label\": \"<emotion>\", \"image\": \"<base64 PNG or JPEG>\"}: "
                    + e.getMessage());
        }
        ctx.json(corrections.add(c, Principal.of(ctx).orElseThrow().name()));
    }

    private static String resource(String path) {
        try (InputStream in = EmotionRoutes.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("The emotion page is missing from the class path: " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
