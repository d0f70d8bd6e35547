package org.chimp.tracking.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.chimp.api.error.ClientErrorException;
import org.chimp.http.Json;
import org.chimp.http.Routes;
import org.chimp.tracking.ArtifactFile;
import org.chimp.tracking.RunInfo;
import org.chimp.tracking.TrackingStore;

/**
 * MLflow's artifact proxy ({@code mlflow server --serve-artifacts}) under {@code /api/2.0/mlflow-artifacts/artifacts}:
 * {@code PUT|GET|DELETE .../artifacts/<experiment_id>/<run_id>/artifacts/<path>} and
 * {@code GET .../artifacts?path=<experiment_id>/<run_id>/artifacts[/<dir>]} to list one level. A run's
 * {@code artifact_uri} {@code mlflow-artifacts:/<exp>/<run>/artifacts} resolves to these URLs, and the blobs
 * artifacts are the ones {@link TrackingStore#logArtifact} writes (content-addressed), so training and HTTP
 * clients see the same files.
 * Only paths inside an existing run are served: the rest of the blob store (content-addressed artifacts,
 * datasets) stays out of reach.
 */
public final class ArtifactRoutes implements Routes {
    /** The prefixes the proxy is served under (API clients, MLflow's web UI). */
    public static final List<String> PREFIXES = List.of("/api/2.0/mlflow-artifacts/artifacts", "/ajax-api/2.0/mlflow-artifacts/artifacts");
    /** Default limit of one uploaded artifact. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;

    private final TrackingStore tracking;
    private final long maxBytes;

    /** Parsed {@code <exp>/<run>/artifacts[/<path>]}; {@code path} is empty for the run's artifact root. */
    private record Location(RunInfo run, String path) {
    }

    @FunctionalInterface
    private interface Handler {
        void handle(Context ctx) throws IOException;
    }

    public ArtifactRoutes(TrackingStore tracking) {
        this(tracking, DEFAULT_MAX_BYTES);
    }

    /**
     * @param maxBytes largest artifact a PUT may upload; larger ones are refused with 413 and nothing is stored
     */
    public ArtifactRoutes(TrackingStore tracking, long maxBytes) {
        this.tracking = tracking;
        this.maxBytes = maxBytes;
    }

    @Override
    public void addTo(Javalin app) {
        for (String prefix : PREFIXES) {
            app.addHttpHandler(HandlerType.GET, prefix, ctx -> handle(ctx, this::list));
            app.addHttpHandler(HandlerType.PUT, prefix + "/<path>", ctx -> handle(ctx, this::upload));
            app.addHttpHandler(HandlerType.GET, prefix + "/<path>", ctx -> handle(ctx, this::download));
            app.addHttpHandler(HandlerType.DELETE, prefix + "/<path>", ctx -> handle(ctx, this::delete));
        }
    }

    private void upload(Context ctx) throws IOException {
        Location at = file(ctx.pathParam("path"));
        long declared = ctx.contentLength();
        if (declared > maxBytes) {
            throw tooLarge(declared + " bytes");
        }
        // Streamed into the store: an artifact may be far larger than the server's in-memory request limit.
        try (InputStream in = new LimitedInputStream(ctx.req().getInputStream(), maxBytes)) {
            tracking.logArtifact(at.run().runId(), at.path(), in);
        } catch (LimitedInputStream.LimitExceeded e) {
            throw tooLarge("more than " + maxBytes + " bytes");
        }
        json(ctx, Json.MAPPER.createObjectNode());
    }

    private void download(Context ctx) throws IOException {
        Location at = file(ctx.pathParam("path"));
        InputStream in = tracking.openArtifact(at.run().runId(), at.path());
        ctx.contentType("application/octet-stream").result(in);
    }

    private void delete(Context ctx) throws IOException {
        Location at = location(ctx.pathParam("path"));
        // MLflow deletes a file or a whole directory; deleting nothing is not an error there either.
        tracking.deleteArtifacts(at.run().runId(), at.path());
        json(ctx, Json.MAPPER.createObjectNode());
    }

    private void list(Context ctx) throws IOException {
        String path = ctx.queryParam("path");
        if (path == null || path.isEmpty()) {
            throw ClientErrorException.invalid("List a run's artifacts with ?path=<experiment_id>/<run_id>/artifacts[/<dir>]; "
                    + "listing the experiments themselves is not supported");
        }
        Location at = location(path);
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode files = body.putArray("files");
        // MLflow names each entry by its base name, relative to the listed directory.
        for (ArtifactFile f : tracking.listArtifacts(at.run().runId(), at.path())) {
            ObjectNode o = files.addObject().put("path", f.path().substring(f.path().lastIndexOf('/') + 1)).put("is_dir", f.isDir());
            if (f.fileSize() != null) {
                o.put("file_size", f.fileSize());
            }
        }
        json(ctx, body);
    }

    /** A location that names a file (not the run's artifact root). */
    private Location file(String path) {
        Location at = location(path);
        if (at.path().isEmpty()) {
            throw ClientErrorException.invalid("'" + path + "' is a run's artifact root; name a file below it, "
                    + "as in <experiment_id>/<run_id>/artifacts/model/model.onnx");
        }
        return at;
    }

    /** Parses and checks {@code <exp>/<run>/artifacts[/<path>]}; 404 unless the run exists in that experiment. */
    private Location location(String path) {
        checkSafe(path);
        String[] parts = path.split("/", 4);
        if (parts.length < 3 || !parts[2].equals("artifacts")) {
            throw ClientErrorException.invalid("Artifact paths look like <experiment_id>/<run_id>/artifacts[/<path>] "
                    + "(a run's artifact_uri without 'mlflow-artifacts:/'), got '" + path + "'");
        }
        RunInfo run = tracking.getRun(parts[1]).info();
        if (!run.experimentId().equals(parts[0])) {
            throw ClientErrorException.notFound("Run " + run.runId() + " is not in experiment " + parts[0]
                    + "; its artifacts are under " + run.artifactUri());
        }
        return new Location(run, parts.length == 4 ? parts[3] : "");
    }

    /** MLflow's validate_path_is_safe: relative, no '..' or '.' segments, no backslashes or control characters. */
    private static void checkSafe(String path) {
        boolean bad = path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.chars().anyMatch(c -> c < 0x20)
                || path.matches("^[A-Za-z]:.*");
        for (String segment : path.split("/", -1)) {
            bad |= segment.isEmpty() || segment.equals(".") || segment.equals("..");
        }
        if (bad) {
            throw ClientErrorException.invalid("Invalid path '" + path + "': give a relative path with '/' separators and "
                    + "no '.', '..' or empty segments, as in <experiment_id>/<run_id>/artifacts/model/model.onnx");
        }
    }

    private ClientErrorException tooLarge(String what) {
        return ClientErrorException.tooLarge("The artifact has " + what + "; at most " + maxBytes
                + " bytes may be uploaded at once. Split it, or raise the server's artifact limit");
    }

    // Wrapped here so errors come in MLflow's shape, which MLflow's artifact clients parse.
    private static void handle(Context ctx, Handler handler) throws Exception {
        try {
            handler.handle(ctx);
        } catch (ClientErrorException e) {
            MlflowError error = MlflowError.of(e);
            int status = e.status() == 413 ? 413 : error.status();
            ctx.status(status).contentType("application/json").result(Json.MAPPER.writeValueAsString(error));
        }
    }

    private static void json(Context ctx, ObjectNode body) throws IOException {
        ctx.contentType("application/json").result(Json.MAPPER.writeValueAsString(body));
    }

    /** Fails once more than {@code max} bytes were read, so an oversized upload is never stored completely. */
    private static final class LimitedInputStream extends FilterInputStream {
        static final class LimitExceeded extends IOException {
            LimitExceeded() {
                super("upload limit exceeded");
            }
        }

        private final long max;
        private long count;

        LimitedInputStream(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(long n) throws LimitExceeded {
            count += n;
            if (count > max) {
                throw new LimitExceeded();
            }
        }
    }
}
