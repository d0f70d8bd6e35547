package org.chimp.tracking.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.chimp.http.Json;
import org.chimp.tracking.Metric;
import org.chimp.tracking.registry.Stage;

/**
 * The tracking client over HTTP: CHIMP's MLflow REST API ({@code /api/2.0/mlflow/}), its artifact proxy
 * ({@code /api/2.0/mlflow-artifacts/}) and, to register a model with its config,
 * {@code POST /api/2.0/chimp/models/register} ({@link RegisterModelRoutes}). Thread-safe.
 */
public final class RemoteTrackingClient implements TrackingClient {
    private static final String API = "/api/2.0/mlflow/";
    private static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";

    private final MlflowHttp http;

    /**
     * @param baseUrl the server, e.g. {@code http://localhost:5252}
     * @param token   the bearer token ({@code CHIMP_ADMIN_TOKEN})
     */
    public RemoteTrackingClient(URI baseUrl, String token) {
        this(baseUrl, token, Duration.ofMinutes(5));
    }

    /** @param timeout for connecting and for each request, uploads included */
    public RemoteTrackingClient(URI baseUrl, String token, Duration timeout) {
        this.http = new MlflowHttp(baseUrl, token, timeout);
    }

    @Override
    public String createExperiment(String name) {
        return http.post(API + "experiments/create", Map.of("name", name)).path("experiment_id").asText();
    }

    @Override
    public String getOrCreateExperiment(String name) {
        try {
            return experimentByName(name);
        } catch (TrackingClientException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
        try {
            return createExperiment(name);
        } catch (TrackingClientException e) {
            // Created by someone else between our two calls.
            if (!TrackingClientException.RESOURCE_ALREADY_EXISTS.equals(e.errorCode())) {
                throw e;
            }
            return experimentByName(name);
        }
    }

    private String experimentByName(String name) {
        return http.get(API + "experiments/get-by-name", Map.of("experiment_name", name)).path("experiment").path("experiment_id").asText();
    }

    @Override
    public RunHandle startRun(String experimentName, String runName, Map<String, String> tags) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("experiment_id", getOrCreateExperiment(experimentName));
        if (runName != null) {
            body.put("run_name", runName);
        }
        body.put("start_time", System.currentTimeMillis());
        body.set("tags", keyValues(tags));
        JsonNode info = http.post(API + "runs/create", body).path("run").path("info");
        return new RemoteRun(info.path("run_id").asText(), info.path("experiment_id").asText(), info.path("artifact_uri").asText());
    }

    @Override
    public Optional<ModelVersionInfo> latest(String name, Stage stage) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("name", name);
        body.putArray("stages").add(stage.mlflowName());
        JsonNode versions;
        try {
            versions = http.post(API + "registered-models/get-latest-versions", body).path("model_versions");
        } catch (TrackingClientException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
        return versions.isEmpty() ? Optional.empty() : Optional.of(ModelVersionInfo.fromMlflowJson(versions.get(0)));
    }

    @Override
    public ModelVersionInfo transitionStage(String name, int version, Stage stage, boolean archiveExisting) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("name", name).put("version", Integer.toString(version))
                .put("stage", stage.mlflowName()).put("archive_existing_versions", archiveExisting);
        return ModelVersionInfo.fromMlflowJson(http.post(API + "model-versions/transition-stage", body).path("model_version"));
    }

    @Override
    public ModelVersionInfo rollback(String name) {
        return ModelVersionInfo.fromMlflowJson(http.post(ChimpPaths.ROLLBACK, Map.of("name", name)).path("model_version"));
    }

    @Override
    public List<Path> downloadArtifacts(String runId, String artifactDir, Path targetDir) {
        String experimentId = http.get(API + "runs/get", Map.of("run_id", runId)).path("run").path("info").path("experiment_id").asText();
        String root = experimentId + "/" + runId + "/artifacts";
        List<Path> files = new ArrayList<>();
        download(root, artifactDir, "", targetDir, files);
        return files;
    }

    /** Lists {@code dir} (one level, as MLflow lists) and fetches its files, descending into sub-directories. */
    private void download(String root, String dir, String relative, Path targetDir, List<Path> out) {
        String listed = dir.isEmpty() ? root : root + "/" + dir;
        for (JsonNode f : http.get(ARTIFACTS, Map.of("path", listed)).path("files")) {
            String name = f.path("path").asText();
            String childDir = dir.isEmpty() ? name : dir + "/" + name;
            String childRelative = relative.isEmpty() ? name : relative + "/" + name;
            if (f.path("is_dir").asBoolean()) {
                download(root, childDir, childRelative, targetDir, out);
            } else {
                Path target = ArtifactFiles.target(targetDir, childRelative);
                http.download(ARTIFACTS + "/" + MlflowHttp.encodePath(root + "/" + childDir), target);
                out.add(target);
            }
        }
    }

    private static ArrayNode keyValues(Map<String, String> map) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        map.forEach((k, v) -> a.addObject().put("key", k).put("value", v));
        return a;
    }

    private final class RemoteRun implements RunHandle {
        private final String id;
        private final String experimentId;
        private final String artifactUri;

        RemoteRun(String id, String experimentId, String artifactUri) {
            this.id = id;
            this.experimentId = experimentId;
            this.artifactUri = artifactUri;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String experimentId() {
            return experimentId;
        }

        @Override
        public String artifactUri() {
            return artifactUri;
        }

        @Override
        public void logBatch(List<Metric> metrics, Map<String, String> params, Map<String, String> tags) {
            ObjectNode body = Json.MAPPER.createObjectNode().put("run_id", id);
            ArrayNode m = body.putArray("metrics");
            metrics.forEach(x -> m.addObject().put("key", x.key()).put("value", x.value()).put("timestamp", x.timestamp()).put("step", x.step()));
            body.set("params", keyValues(params));
            body.set("tags", keyValues(tags));
            http.post(API + "runs/log-batch", body);
        }

        @Override
        public void logArtifact(String artifactPath, Path file) {
            http.put(ARTIFACTS + "/" + MlflowHttp.encodePath(experimentId + "/" + id + "/artifacts/" + artifactPath), file);
        }

        @Override
        public ModelVersionInfo registerModel(String name, ModelSpec model) {
            ObjectNode body = Json.MAPPER.createObjectNode().put("name", name).put("run_id", id)
                    .put("task", model.task()).put("architecture", model.architecture());
            body.set("parameters", model.parameters());
            ObjectNode artifacts = body.putObject("artifacts");
            model.artifacts().forEach((artifactName, file) -> {
                String path = ModelSpec.artifactPath(file);
                logArtifact(path, file);
                artifacts.put(artifactName, path);
            });
            return ModelVersionInfo.fromMlflowJson(http.post(ChimpPaths.REGISTER_MODEL, body).path("model_version"));
        }

        @Override
        public void end(boolean success) {
            http.post(API + "runs/update", Json.MAPPER.createObjectNode().put("run_id", id)
                    .put("status", success ? "FINISHED" : "FAILED").put("end_time", System.currentTimeMillis()));
        }
    }
}
