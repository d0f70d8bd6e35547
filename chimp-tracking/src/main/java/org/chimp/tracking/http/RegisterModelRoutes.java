package org.chimp.tracking.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.chimp.api.error.ClientErrorException;
import org.chimp.http.Json;
import org.chimp.http.Requests;
import org.chimp.http.Routes;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.tracking.registry.ModelVersion;
import org.chimp.tracking.client.ArtifactFiles;
import org.chimp.tracking.client.ChimpPaths;

/**
 * {@code POST /api/2.0/chimp/models/register}: registers files already logged to a run as the next version of a
 * model, with CHIMP's model config (task, architecture, parameters, content-addressed artifacts). MLflow's
 * {@code model-versions/create} only records a source URI; serving needs the config, which this builds exactly
 * as {@link ModelRegistry#registerModel} does in process.
 *
 * <p>Body: {@code {"name", "run_id", "task", "architecture", "parameters": {..}, "artifacts": {"weights":
 * "model/model.onnx"}, "description"}}, each artifact a path relative to the run's artifact root (upload it with
 * the artifact proxy first). Answer: {@code {"model_version": {...}}} in MLflow's shape. Errors in CHIMP's shape.
 */
public final class RegisterModelRoutes implements Routes {
    /** The endpoint's path. */
    public static final String PATH = ChimpPaths.REGISTER_MODEL;

    private final TrackingStore tracking;
    private final ModelRegistry registry;

    public RegisterModelRoutes(TrackingStore tracking, ModelRegistry registry) {
        this.tracking = tracking;
        this.registry = registry;
    }

    @Override
    public void addTo(Javalin app) {
        app.post(PATH, this::register);
    }

    private void register(Context ctx) throws IOException {
        JsonNode body = Requests.jsonBody(ctx);
        String name = required(body, "name");
        String runId = required(body, "run_id");
        String task = required(body, "task");
        String architecture = required(body, "architecture");
        JsonNode parameters = body.path("parameters");
        JsonNode artifacts = body.path("artifacts");
        if (!parameters.isMissingNode() && !parameters.isObject() || !artifacts.isMissingNode() && !artifacts.isObject()) {
            throw ClientErrorException.invalid("'parameters' must be a JSON object, and 'artifacts' an object mapping artifact "
                    + "names to paths of the run's artifacts, as in {\"weights\": \"model/model.onnx\"}");
        }
        Path dir = Files.createTempDirectory("chimp-register-");
        try {
            // Fetched into files named as in the run, so registering logs them back under the same paths.
            Map<String, Path> files = new LinkedHashMap<>();
            for (var it = artifacts.fields(); it.hasNext(); ) {
                var e = it.next();
                String path = e.getValue().asText();
                Path file = ArtifactFiles.target(dir.resolve(Integer.toString(files.size())), fileName(path));
                try (InputStream in = tracking.openArtifact(runId, path)) {
                    Files.copy(in, file);
                }
                files.put(e.getKey(), file);
            }
            ObjectNode params = parameters.isObject() ? (ObjectNode) parameters : Json.MAPPER.createObjectNode();
            ModelVersion version = registry.registerModel(tracking.run(runId), name, task, architecture, params, files);
            ctx.contentType("application/json").result(Json.MAPPER.writeValueAsString(RegisteredVersion.of(version)));
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String fileName(String artifactPath) {
        if (artifactPath == null || artifactPath.isBlank() || artifactPath.endsWith("/")) {
            throw ClientErrorException.invalid("Every entry of 'artifacts' must name a file of the run, as in 'model/model.onnx'; got '"
                    + artifactPath + "'");
        }
        return artifactPath.substring(artifactPath.lastIndexOf('/') + 1);
    }

    private static String required(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw ClientErrorException.invalid("POST " + PATH + " needs a non-empty string '" + field + "'");
        }
        return v.asText();
    }
}
