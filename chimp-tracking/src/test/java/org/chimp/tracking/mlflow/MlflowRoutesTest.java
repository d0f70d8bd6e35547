package org.chimp.tracking.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.chimp.db.TestDatabases;
import org.chimp.http.HttpErrors;
import org.chimp.http.ErrorFormats;
import org.chimp.http.Json;
import org.chimp.store.ArtifactStore;
import org.chimp.tracking.ActiveRun;
import org.chimp.tracking.MemoryBlobStore;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.registry.ModelRegistry;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MlflowRoutesTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    /** A server with the MLflow routes on a free port. */
    private record Server(Javalin app, TrackingStore tracking, ModelRegistry registry) implements AutoCloseable {
        Response get(String path, String... queryPairs) throws Exception {
            StringBuilder q = new StringBuilder();
            for (int i = 0; i < queryPairs.length; i += 2) {
                q.append(q.isEmpty() ? "?" : "&").append(queryPairs[i]).append('=')
                        .append(URLEncoder.encode(queryPairs[i + 1], StandardCharsets.UTF_8));
            }
            return send(HttpRequest.newBuilder(uri("/api/2.0/mlflow/" + path + q)).GET().build());
        }

        Response delete(String path, String query) throws Exception {
            return send(HttpRequest.newBuilder(uri("/api/2.0/mlflow/" + path + "?" + query)).DELETE().build());
        }

        Response post(String path, String json) throws Exception {
            return postTo("/api/2.0/mlflow/" + path, json);
        }

        Response postBytes(String path, byte[] body) throws Exception {
            return send(HttpRequest.newBuilder(uri("/api/2.0/mlflow/" + path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        }

        Response postTo(String fullPath, String json) throws Exception {
            return send(HttpRequest.newBuilder(uri(fullPath)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build());
        }

        private URI uri(String path) {
            return URI.create("http://127.0.0.1:" + app.port() + path);
        }

        private static Response send(HttpRequest request) throws Exception {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), Json.MAPPER.readTree(r.body()));
        }

        @Override
        public void close() {
            app.stop();
        }
    }

    private record Response(int status, JsonNode body) {
        Response ok() {
            assertThat(status).as("status of %s", body).isEqualTo(200);
            return this;
        }

        void isError(int expectedStatus, String errorCode) {
            assertThat(status).as("status of %s", body).isEqualTo(expectedStatus);
            assertThat(body.get("error_code").asText()).isEqualTo(errorCode);
            assertThat(body.get("message").asText()).isNotBlank();
        }
    }

    private Server start(HikariDataSource ds) {
        MemoryBlobStore blobs = new MemoryBlobStore();
        TrackingStore tracking = new TrackingStore(ds, blobs);
        ModelRegistry registry = new ModelRegistry(ds, new ArtifactStore(blobs, tmp.resolve("cache")));
        // Larger than log-batch's 1 MB, as the server's (dataset uploads), so that the MLflow limit is what answers.
        Javalin app = Javalin.create(cfg -> cfg.http.maxRequestSize = 10_000_000L);
        HttpErrors.install(app, ErrorFormats.of(new MlflowErrorFormat()));
        new MlflowRoutes(tracking, registry).addTo(app);
        app.start("127.0.0.1", 0);
        return new Server(app, tracking, registry);
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void experimentsAndRunsInMlflowsShapes(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open(); Server s = start(ds)) {
            String experimentId = s.post("experiments/create", """
                    {"name": "faces", "tags": [{"key": "team", "value": "vision"}]}""").ok().body().get("experiment_id").asText();
            JsonNode experiment = s.get("experiments/get", "experiment_id", experimentId).ok().body().get("experiment");
            assertThat(experiment.get("name").asText()).isEqualTo("faces");
            assertThat(experiment.get("artifact_location").asText()).isEqualTo("mlflow-artifacts:/" + experimentId);
            assertThat(experiment.get("lifecycle_stage").asText()).isEqualTo("active");
            assertThat(experiment.get("creation_time").isIntegralNumber()).isTrue();
            assertThat(experiment.get("tags").get(0).get("key").asText()).isEqualTo("team");
            assertThat(s.get("experiments/get-by-name", "experiment_name", "Default").ok().body().at("/experiment/experiment_id").asText())
                    .isEqualTo("0");
            JsonNode page = s.post("experiments/search", "{\"max_results\": 1}").ok().body();
            assertThat(page.get("experiments")).hasSize(1);
            JsonNode rest = s.get("experiments/search", "page_token", page.get("next_page_token").asText()).ok().body();
            assertThat(rest.get("experiments")).hasSize(1);
            assertThat(rest.has("next_page_token")).isFalse();

            JsonNode run = s.post("runs/create", """
                    {"experiment_id": "%s", "run_name": "r1", "start_time": 1000, "tags": [{"key": "k", "value": "v"}]}"""
                    .formatted(experimentId)).ok().body().get("run");
            String runId = run.at("/info/run_id").asText();
            assertThat(runId).matches("[0-9a-f]{32}");
            assertThat(run.at("/info/run_uuid").asText()).isEqualTo(runId);
            assertThat(run.at("/info/status").asText()).isEqualTo("RUNNING");
            assertThat(run.at("/info/start_time").asLong()).isEqualTo(1000);
            assertThat(run.at("/info/artifact_uri").asText()).isEqualTo("mlflow-artifacts:/" + experimentId + "/" + runId + "/artifacts");

            s.post("runs/log-metric", "{\"run_id\": \"%s\", \"key\": \"loss\", \"value\": 0.5, \"timestamp\": 20, \"step\": 1}".formatted(runId)).ok();
            s.post("runs/log-metric", "{\"run_uuid\": \"%s\", \"key\": \"loss\", \"value\": 0.9, \"timestamp\": 10}".formatted(runId)).ok();
            s.post("runs/log-parameter", "{\"run_id\": \"%s\", \"key\": \"lr\", \"value\": \"0.01\"}".formatted(runId)).ok();
            s.post("runs/set-tag", "{\"run_id\": \"%s\", \"key\": \"note\", \"value\": \"\"}".formatted(runId)).ok();
            s.post("runs/log-batch", """
                    {"run_id": "%s", "metrics": [{"key": "acc", "value": 0.7, "timestamp": 30, "step": 1}],
                     "params": [{"key": "epochs", "value": "3"}], "tags": [{"key": "k", "value": "v2"}]}""".formatted(runId)).ok();

            JsonNode data = s.get("runs/get", "run_id", runId).ok().body().at("/run/data");
            assertThat(keyValues(data.get("params"))).isEqualTo(Map.of("lr", "0.01", "epochs", "3"));
            assertThat(keyValues(data.get("tags"))).containsEntry("k", "v2").containsEntry("note", "")
                    .containsEntry("mlflow.runName", "r1");
            assertThat(data.get("metrics")).hasSize(2);
            JsonNode history = s.get("metrics/get-history", "run_id", runId, "metric_key", "loss").ok().body().get("metrics");
            assertThat(history).extracting(m -> m.get("value").asDouble()).containsExactly(0.9, 0.5);
            assertThat(history.get(1).get("timestamp").asLong()).isEqualTo(20);
            assertThat(history.get(1).get("step").asLong()).isEqualTo(1);

            JsonNode info = s.post("runs/update", "{\"run_id\": \"%s\", \"status\": \"FINISHED\", \"end_time\": 5000}"
                    .formatted(runId)).ok().body().get("run_info");
            assertThat(info.get("status").asText()).isEqualTo("FINISHED");
            assertThat(info.get("end_time").asLong()).isEqualTo(5000);
            assertThat(s.post("runs/search", "{\"experiment_ids\": [\"%s\"]}".formatted(experimentId)).ok().body().get("runs"))
                    .hasSize(1);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void errorsUseMlflowsShape(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open(); Server s = start(ds)) {
            s.get("experiments/get", "experiment_id", "12345").isError(404, MlflowError.RESOURCE_DOES_NOT_EXIST);
            s.get("runs/get", "run_id", "0123456789abcdef0123456789abcdef").isError(404, MlflowError.RESOURCE_DOES_NOT_EXIST);
            s.post("experiments/create", "{\"name\": \"x\"}").ok();
            s.post("experiments/create", "{\"name\": \"x\"}").isError(400, MlflowError.RESOURCE_ALREADY_EXISTS);
            s.post("experiments/create", "{}").isError(400, MlflowError.INVALID_PARAMETER_VALUE);
            s.post("experiments/create", "{not json").isError(400, MlflowError.INVALID_PARAMETER_VALUE);
            s.postTo("/ajax-api/2.0/mlflow/experiments/create", "{\"name\": \"x\"}").isError(400, MlflowError.RESOURCE_ALREADY_EXISTS);

            String runId = s.post("runs/create", "{}").ok().body().at("/run/info/run_id").asText();
            s.post("runs/log-parameter", "{\"run_id\": \"%s\", \"key\": \"lr\", \"value\": \"1\"}".formatted(runId)).ok();
            s.post("runs/log-parameter", "{\"run_id\": \"%s\", \"key\": \"lr\", \"value\": \"2\"}".formatted(runId))
                    .isError(400, MlflowError.INVALID_PARAMETER_VALUE);
            s.post("runs/log-metric", "{\"run_id\": \"%s\", \"key\": \"m\", \"value\": 1}".formatted(runId))
                    .isError(400, MlflowError.INVALID_PARAMETER_VALUE);
            s.post("runs/update", "{\"run_id\": \"%s\", \"status\": \"DONE\"}".formatted(runId))
                    .isError(400, MlflowError.INVALID_PARAMETER_VALUE);
            // One bad entry (a changed param) and the whole batch is refused.
            s.post("runs/log-batch", """
                    {"run_id": "%s", "metrics": [{"key": "m", "value": 1, "timestamp": 1}],
                     "params": [{"key": "new", "value": "x"}, {"key": "lr", "value": "3"}]}""".formatted(runId))
                    .isError(400, MlflowError.INVALID_PARAMETER_VALUE);
            JsonNode data = s.get("runs/get", "run_id", runId).ok().body().at("/run/data");
            assertThat(keyValues(data.get("params"))).isEqualTo(Map.of("lr", "1"));
            assertThat(data.get("metrics")).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void registryEndpoints(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open(); Server s = start(ds)) {
            ActiveRun run = s.tracking().startRun("0", "train", Map.of());
            Path weights = Files.writeString(tmp.resolve("model.onnx"), "w");
            for (int i = 0; i < 3; i++) {
                s.registry().registerModel(run, "emotions", "image-classification", "onnx", null, Map.of("weights", weights));
            }
            s.registry().setAlias("emotions", "champion", 2);

            JsonNode v = s.get("model-versions/get", "name", "emotions", "version", "2").ok().body().get("model_version");
            assertThat(v.get("version").asText()).isEqualTo("2");
            assertThat(v.get("version").isTextual()).isTrue();
            assertThat(v.get("current_stage").asText()).isEqualTo("None");
            assertThat(v.get("status").asText()).isEqualTo("READY");
            assertThat(v.get("run_id").asText()).isEqualTo(run.id());
            assertThat(v.get("source").asText()).isEqualTo(run.artifactUri() + "/model");
            assertThat(v.get("aliases")).extracting(JsonNode::asText).containsExactly("champion");
            assertThat(v.get("creation_timestamp").isIntegralNumber()).isTrue();

            s.post("model-versions/transition-stage", "{\"name\": \"emotions\", \"version\": \"1\", \"stage\": \"Production\"}").ok();
            JsonNode moved = s.post("model-versions/transition-stage", """
                    {"name": "emotions", "version": "3", "stage": "production", "archive_existing_versions": true}""")
                    .ok().body().get("model_version");
            assertThat(moved.get("current_stage").asText()).isEqualTo("Production");
            assertThat(s.get("model-versions/get", "name", "emotions", "version", "1").ok().body().at("/model_version/current_stage").asText())
                    .isEqualTo("Archived");

            JsonNode latest = s.post("registered-models/get-latest-versions", "{\"name\": \"emotions\", \"stages\": [\"Production\"]}")
                    .ok().body().get("model_versions");
            assertThat(latest).extracting(n -> n.get("version").asText()).containsExactly("3");
            assertThat(s.get("registered-models/get-latest-versions", "name", "emotions").ok().body().get("model_versions"))
                    .extracting(n -> n.get("current_stage").asText()).containsExactly("None", "Production", "Archived");

            JsonNode model = s.get("registered-models/get", "name", "emotions").ok().body().get("registered_model");
            assertThat(model.get("name").asText()).isEqualTo("emotions");
            assertThat(model.at("/aliases/0/alias").asText()).isEqualTo("champion");
            assertThat(model.at("/aliases/0/version").asText()).isEqualTo("2");
            s.post("registered-models/create", "{\"name\": \"empty\", \"description\": \"d\"}").ok();
            s.post("registered-models/create", "{\"name\": \"empty\"}").isError(400, MlflowError.RESOURCE_ALREADY_EXISTS);
            assertThat(s.get("registered-models/search").ok().body().get("registered_models"))
                    .extracting(n -> n.get("name").asText()).containsExactly("emotions", "empty");

            JsonNode versions = s.get("model-versions/search", "filter", "name='emotions'").ok().body().get("model_versions");
            assertThat(versions).extracting(n -> n.get("version").asText()).containsExactly("3", "2", "1");
            assertThat(s.get("model-versions/search", "filter", "name=\"empty\"").ok().body().get("model_versions")).isEmpty();
            assertThat(s.get("model-versions/search", "filter", "run_id='x'").ok().body().get("model_versions")).isEmpty();
            s.get("model-versions/search", "filter", "color='x'").isError(400, MlflowError.INVALID_PARAMETER_VALUE);

            s.get("model-versions/get", "name", "emotions", "version", "9").isError(404, MlflowError.RESOURCE_DOES_NOT_EXIST);
            s.get("model-versions/get", "name", "emotions", "version", "x").isError(400, MlflowError.INVALID_PARAMETER_VALUE);
            s.get("registered-models/get", "name", "nope").isError(404, MlflowError.RESOURCE_DOES_NOT_EXIST);
            s.post("model-versions/transition-stage", "{\"name\": \"emotions\", \"version\": \"2\", \"stage\": \"Live\"}")
                    .isError(400, MlflowError.INVALID_PARAMETER_VALUE);
            s.post("registered-models/get-latest-versions", "{\"name\": \"nope\"}").isError(404, MlflowError.RESOURCE_DOES_NOT_EXIST);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void searchPagingLimitsArtifactsAndAliases(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open(); Server s = start(ds)) {
            String exp = s.post("experiments/create", "{\"name\": \"e\"}").ok().body().get("experiment_id").asText();
            for (int i = 0; i < 3; i++) {
                String id = s.post("runs/create", "{\"experiment_id\": \"%s\", \"run_name\": \"r%d\"}".formatted(exp, i))
                        .ok().body().at("/run/info/run_id").asText();
                s.post("runs/log-metric", "{\"run_id\": \"%s\", \"key\": \"acc\", \"value\": %d, \"timestamp\": 1}"
                        .formatted(id, i)).ok();
            }
            String search = "{\"experiment_ids\": [\"%s\"], \"filter\": \"metrics.acc >= 1\", \"order_by\": [\"metrics.acc DESC\"], "
                    + "\"max_results\": 1%s}";
            JsonNode first = s.post("runs/search", search.formatted(exp, "")).ok().body();
            assertThat(first.at("/runs/0/info/run_name").asText()).isEqualTo("r2");
            String token = first.get("next_page_token").asText();
            JsonNode second = s.post("runs/search", search.formatted(exp, ", \"page_token\": \"" + token + "\"")).ok().body();
            assertThat(second.at("/runs/0/info/run_name").asText()).isEqualTo("r1");
            assertThat(second.has("next_page_token")).isFalse();
            s.post("runs/search", "{\"experiment_ids\": [\"%s\"], \"page_token\": \"%s\"}".formatted(exp, token))
                    .isError(400, MlflowError.INVALID_PARAMETER_VALUE);
            s.post("runs/search", "{\"experiment_ids\": [\"%s\"], \"filter\": \"metrics.acc ~ 1\"}".formatted(exp))
                    .isError(400, MlflowError.INVALID_PARAMETER_VALUE);
            s.post("runs/search", "{\"experiment_ids\": [\"%s\"], \"max_results\": 50001}".formatted(exp))
                    .isError(400, MlflowError.INVALID_PARAMETER_VALUE);
            assertThat(s.get("experiments/search", "filter", "name = 'e'", "view_type", "ALL").ok().body().get("experiments"))
                    .hasSize(1);

            String runId = s.post("runs/create", "{}").ok().body().at("/run/info/run_id").asText();
            StringBuilder metrics = new StringBuilder();
            for (int i = 0; i <= 1000; i++) {
                metrics.append(i == 0 ? "" : ", ").append("{\"key\": \"m\", \"value\": 1, \"timestamp\": ").append(i).append('}');
            }
            s.post("runs/log-batch", "{\"run_id\": \"%s\", \"metrics\": [%s]}".formatted(runId, metrics))
                    .isError(400, MlflowError.INVALID_PARAMETER_VALUE);
            s.post("runs/log-batch", "{\"run_id\": \"%s\", \"tags\": [{\"key\": \"big\", \"value\": \"%s\"}]}"
                    .formatted(runId, "x".repeat(1_000_001))).isError(400, MlflowError.INVALID_PARAMETER_VALUE);
            assertThat(s.get("metrics/get-history", "run_id", runId, "metric_key", "m").ok().body().path("metrics")).isEmpty();

            s.tracking().logArtifact(runId, "model/model.onnx", new byte[] {1, 2});
            JsonNode root = s.get("artifacts/list", "run_id", runId).ok().body();
            assertThat(root.get("root_uri").asText()).endsWith(runId + "/artifacts");
            assertThat(root.at("/files/0/path").asText()).isEqualTo("model");
            assertThat(root.at("/files/0/is_dir").asBoolean()).isTrue();
            JsonNode model = s.get("artifacts/list", "run_id", runId, "path", "model").ok().body();
            assertThat(model.at("/files/0/path").asText()).isEqualTo("model/model.onnx");
            assertThat(model.at("/files/0/file_size").asLong()).isEqualTo(2);

            s.post("registered-models/create", "{\"name\": \"m\"}").ok();
            s.post("model-versions/create", "{\"name\": \"m\", \"source\": \"s3://x\"}").ok();
            s.post("registered-models/alias", "{\"name\": \"m\", \"alias\": \"champion\", \"version\": \"1\"}").ok();
            assertThat(s.get("registered-models/alias", "name", "m", "alias", "champion").ok().body().at("/model_version/version")
                    .asText()).isEqualTo("1");
            s.delete("registered-models/alias", "name=m&alias=champion").ok();
            s.get("registered-models/alias", "name", "m", "alias", "champion").isError(404, MlflowError.RESOURCE_DOES_NOT_EXIST);
            s.delete("model-versions/delete", "name=m&version=1").ok();
            s.get("model-versions/get", "name", "m", "version", "1").isError(404, MlflowError.RESOURCE_DOES_NOT_EXIST);
            s.post("registered-models/search", "{\"filter\": \"name LIKE 'm%'\", \"order_by\": [\"last_updated_timestamp DESC\"]}")
                    .ok();
            s.get("registered-models/search", "filter", "owner = 'me'").isError(400, MlflowError.INVALID_PARAMETER_VALUE);
        }
    }

    private static Map<String, String> keyValues(JsonNode list) {
        Map<String, String> out = new HashMap<>();
        list.forEach(kv -> out.put(kv.get("key").asText(), kv.get("value").asText()));
        return out;
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void hostileInputIsAnMlflowErrorAndChangesNothing(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open(); Server s = start(ds)) {
            int experiments = s.post("experiments/search", "{}").ok().body().get("experiments").size();
            s.post("registered-models/create", "{\"name\": \"../../etc\"}").isError(400, "INVALID_PARAMETER_VALUE");
            s.post("registered-models/create", "{\"name\": \"a/b\"}").isError(400, "INVALID_PARAMETER_VALUE");
            s.post("experiments/create", "{\"name\": 123}").isError(400, "INVALID_PARAMETER_VALUE");
            s.post("experiments/create", "{\"name\": \"ok\"} trailing garbage").isError(400, "INVALID_PARAMETER_VALUE");
            s.post("experiments/create", "{\"name\": \"a\", \"name\": \"b\"}").isError(400, "INVALID_PARAMETER_VALUE");
            s.post("experiments/create", "{\"name\": \"" + "x".repeat(100_000) + "\"}").isError(400, "INVALID_PARAMETER_VALUE");
            byte[] badUtf8 = concat("{\"name\": \"bad".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3, (byte) 0x28},
                    "\"}".getBytes(StandardCharsets.UTF_8));
            s.postBytes("experiments/create", badUtf8).isError(400, "INVALID_PARAMETER_VALUE");
            assertThat(s.post("experiments/search", "{}").ok().body().get("experiments")).hasSize(experiments);
            assertThat(s.post("registered-models/search", "{}").ok().body().path("registered_models")).isEmpty();

            String id = s.post("experiments/create", "{\"name\": \"e\"}").ok().body().get("experiment_id").asText();
            StringBuilder in = new StringBuilder("params.lr IN (");
            for (int i = 0; i < 100_000; i++) {
                in.append(i == 0 ? "" : ", ").append('\'').append(i).append('\'');
            }
            String body = Json.MAPPER.writeValueAsString(java.util.Map.of("experiment_ids", java.util.List.of(id),
                    "filter", in.append(')').toString()));
            s.post("runs/search", body).isError(400, "INVALID_PARAMETER_VALUE");
        }
    }

    private static byte[] concat(byte[] a, byte[] b, byte[] c) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length + c.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        System.arraycopy(c, 0, out, a.length + b.length, c.length);
        return out;
    }
}
