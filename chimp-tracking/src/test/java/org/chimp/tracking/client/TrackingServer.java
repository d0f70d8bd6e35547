package org.chimp.tracking.client;

import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.chimp.http.BearerAuth;
import org.chimp.http.HttpErrors;
import org.chimp.store.ArtifactStore;
import org.chimp.store.FileBlobStore;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.http.RegisterModelRoutes;
import org.chimp.tracking.http.RollbackRoutes;
import org.chimp.tracking.mlflow.ArtifactRoutes;
import org.chimp.tracking.mlflow.MlflowRoutes;
import org.chimp.tracking.registry.ModelRegistry;

/** A CHIMP tracking server on a free port, as the server wires it: auth, errors, MLflow, artifacts, registration. */
public final class TrackingServer implements AutoCloseable {
    public static final String TOKEN = "test-token-0123456789abcdef";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public final FileBlobStore blobs;
    public final TrackingStore tracking;
    public final ModelRegistry registry;
    private final Javalin app;

    private TrackingServer(DataSource ds, Path dir, long maxArtifactBytes) {
        blobs = new FileBlobStore(dir.resolve("store"));
        tracking = new TrackingStore(ds, blobs);
        registry = new ModelRegistry(ds, new ArtifactStore(blobs, dir.resolve("cache")));
        // Javalin's default 1 MB request limit stays on, as in production, where it guards every JSON body.
        app = Javalin.create(cfg -> cfg.showJavalinBanner = false);
        HttpErrors.install(app);
        new BearerAuth(TOKEN, BearerAuth.defaultPublicPaths()).install(app);
        new MlflowRoutes(tracking, registry).addTo(app);
        new ArtifactRoutes(tracking, maxArtifactBytes).addTo(app);
        new RegisterModelRoutes(tracking, registry).addTo(app);
        new RollbackRoutes(registry).addTo(app);
        app.start("127.0.0.1", 0);
    }

    public static TrackingServer start(DataSource ds, Path dir, long maxArtifactBytes) {
        return new TrackingServer(ds, dir, maxArtifactBytes);
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + app.port());
    }

    /** Sends a request to {@code path} (with the token unless {@code authorized} is false). */
    public HttpResponse<byte[]> send(String path, HttpRequest.Builder request, boolean authorized) throws IOException, InterruptedException {
        request.uri(uri().resolve(path));
        if (authorized) {
            request.header("Authorization", "Bearer " + TOKEN);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<byte[]> send(String path, HttpRequest.Builder request) throws IOException, InterruptedException {
        return send(path, request, true);
    }

    @Override
    public void close() {
        app.stop();
    }
}
