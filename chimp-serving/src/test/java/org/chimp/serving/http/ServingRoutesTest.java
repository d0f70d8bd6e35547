package org.chimp.serving.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import org.chimp.http.Json;
import org.chimp.serving.ServingFixture;
import org.chimp.tracking.registry.Stage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServingRoutesTest extends ServingAppPerTest {
    /** A 2x2 gray image whose top row is bright, as nested pixel lists. */
    private static final String TOP_PIXELS = "[[255, 255], [0, 0]]";

    private ServingFixture f;

    @BeforeEach
    void start() {
        f = app.f;
        f.registerIn("faces", ServingFixture.upright(), Stage.PRODUCTION);
    }

    @Test
    void pingAnswersPong() throws Exception {
        HttpResponse<String> r = send("GET", "/ping", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("pong");
    }

    @Test
    void inferReturnsPredictionsLabelsAndMetadata() throws Exception {
        JsonNode r = ok(send("POST", "/model/faces/infer", "{\"inputs\": " + TOP_PIXELS + "}"));
        assertThat(r.path("predicted_labels")).containsExactly(Json.MAPPER.readTree("\"top\""));
        assertThat(r.path("labels").toString()).isEqualTo("[\"top\",\"bottom\",\"dark\"]");
        JsonNode probs = r.path("predictions").path("probabilities");
        assertThat(probs).hasSize(1);
        assertThat(probs.get(0)).hasSize(3);
        assertThat(probs.get(0).get(0).asDouble()).isGreaterThan(0.9);
        JsonNode m = r.path("metadata");
        assertThat(m.path("name").asText()).isEqualTo("faces");
        assertThat(m.path("version").asInt()).isEqualTo(1);
        assertThat(m.path("stage").asText()).isEqualTo("Production");
        assertThat(m.path("run_id").asText()).hasSize(32);
        assertThat(m.path("task").asText()).isEqualTo("image-classification");
        assertThat(m.path("architecture").asText()).isEqualTo("onnx-classifier");
        assertThat(m.path("source").asText()).endsWith("/model");
        assertThat(m.path("flavors").has("onnx")).isTrue();
        assertThat(m.path("signature").path("inputs").get(0).path("name").asText()).isEqualTo("features");
        assertThat(m.path("signature").path("inputs").get(0).path("tensor-spec").path("shape").toString()).isEqualTo("[-1,4]");
        assertThat(m.path("signature").path("outputs").get(0).path("name").asText()).isEqualTo("probabilities");
    }

    @Test
    void inferTakesABatchOfBase64Pngs() throws Exception {
        String body = "{\"inputs\": [\"" + png(true) + "\", \"data:image/png;base64," + png(false) + "\"]}";
        JsonNode r = ok(send("POST", "/model/faces/infer?stage=production", body));
        assertThat(r.path("predicted_labels").toString()).isEqualTo("[\"top\",\"bottom\"]");
        assertThat(r.path("predictions").path("probabilities")).hasSize(2);
    }

    @Test
    void stagingIsServedSeparatelyAndOtherStagesAreRefused() throws Exception {
        error(send("POST", "/model/faces/infer?stage=staging", "{\"inputs\": " + TOP_PIXELS + "}"), 404,
                "model 'faces' has no version in stage Staging; promote one with POST /api/2.0/mlflow/model-versions/transition-stage");
        f.registerIn("faces", ServingFixture.flipped(), Stage.STAGING);
        JsonNode r = ok(send("POST", "/model/faces/infer?stage=Staging", "{\"inputs\": " + TOP_PIXELS + "}"));
        assertThat(r.path("predicted_labels").get(0).asText()).isEqualTo("bottom");
        assertThat(r.path("metadata").path("version").asInt()).isEqualTo(2);
        error(send("POST", "/model/faces/infer?stage=archived", "{\"inputs\": " + TOP_PIXELS + "}"), 400,
                "Query parameter 'stage' must be one of production, staging; got 'archived'");
        // A user without a personal version gets the stage's version.
        assertThat(ok(send("POST", "/model/faces/infer?id=abc&stage=staging", "{\"inputs\": " + TOP_PIXELS + "}"))
                .path("metadata").path("version").asInt()).isEqualTo(2);
    }

    @Test
    void badRequestsAre400sAndUnknownModelsAre404s() throws Exception {
        error(send("POST", "/model/nope/infer", "{\"inputs\": " + TOP_PIXELS + "}"), 404, "no registered model 'nope'");
        assertThat(error(send("POST", "/model/faces/infer", "{\"images\": []}"), 400, null)).contains("{\"inputs\"");
        assertThat(error(send("POST", "/model/faces/infer", "{\"inputs\": {\"a\": 1}}"), 400, null)).contains("base64 PNG/JPEG");
        assertThat(error(send("POST", "/model/faces/infer", "{\"inputs\": \"%%%\"}"), 400, null)).contains("not in a format CHIMP reads");
        assertThat(error(send("POST", "/model/faces/infer", "{\"inputs\": [1, 2"), 400, null)).contains("not valid JSON");
        ArrayNode batch = Json.MAPPER.createArrayNode();
        for (int i = 0; i <= ServingRoutes.MAX_BATCH; i++) {
            batch.add(Json.MAPPER.readTree(TOP_PIXELS));
        }
        assertThat(error(send("POST", "/model/faces/infer", "{\"inputs\": " + batch + "}"), 400, null))
                .contains("At most 64 images per request, got 65");
    }

    @Test
    void modelListsLoadedAndAvailableModelsAndReloads() throws Exception {
        f.registerIn("cats", ServingFixture.flipped(), Stage.PRODUCTION);
        JsonNode before = ok(send("GET", "/model", null));
        assertThat(before.path("status").asText()).isEqualTo("ok");
        assertThat(before.path("updated_models")).isEmpty();
        assertThat(before.path("data").path("loaded_models")).isEmpty();
        assertThat(before.path("data").path("available_models").toString()).isEqualTo("[\"cats\",\"faces\"]");

        ok(send("POST", "/model/faces/infer", "{\"inputs\": " + TOP_PIXELS + "}"));
        JsonNode loaded = ok(send("GET", "/model", null)).path("data").path("loaded_models");
        assertThat(loaded.toString()).isEqualTo("[{\"name\":\"faces\",\"stage\":\"Production\",\"version\":1,\"version_stage\":\"Production\"}]");

        JsonNode reloaded = ok(send("GET", "/model?reload_models=true", null));
        assertThat(reloaded.path("updated_models").toString()).isEqualTo("[\"cats\"]");
        assertThat(reloaded.path("data").path("loaded_models")).hasSize(2);
        error(send("GET", "/model?reload_models=maybe", null), 400, "Query parameter 'reload_models' must be true or false, got 'maybe'");
    }

    @Test
    void openInferenceProtocolRunsPixelsBytesAndFeatures() throws Exception {
        JsonNode fp32 = ok(send("POST", "/v2/models/faces/infer", """
                {"id": "r1", "inputs": [{"name": "image", "shape": [2, 2, 2], "datatype": "FP32",
                 "data": [255, 255, 0, 0, 0, 0, 255, 255]}]}"""));
        assertThat(fp32.path("model_name").asText()).isEqualTo("faces");
        assertThat(fp32.path("model_version").asText()).isEqualTo("1");
        assertThat(fp32.path("id").asText()).isEqualTo("r1");
        JsonNode out = fp32.path("outputs").get(0);
        assertThat(out.path("name").asText()).isEqualTo("probabilities");
        assertThat(out.path("shape").toString()).isEqualTo("[2,3]");
        assertThat(out.path("datatype").asText()).isEqualTo("FP32");
        assertThat(out.path("data")).hasSize(6);
        assertThat(argmax(out.path("data"), 0)).isEqualTo(0);
        assertThat(argmax(out.path("data"), 1)).isEqualTo(1);

        JsonNode uint8 = ok(send("POST", "/v2/models/faces/infer", """
                {"inputs": [{"name": "image", "shape": [1, 2, 2, 3], "datatype": "UINT8",
                 "data": [[[0, 0, 0], [0, 0, 0]], [[255, 255, 255], [255, 255, 255]]]}]}"""));
        assertThat(argmax(uint8.path("outputs").get(0).path("data"), 0)).isEqualTo(1);

        JsonNode bytes = ok(send("POST", "/v2/models/faces/infer",
                "{\"inputs\": [{\"name\": \"image\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\"" + png(true) + "\"]}]}"));
        assertThat(argmax(bytes.path("outputs").get(0).path("data"), 0)).isEqualTo(0);

        JsonNode features = ok(send("POST", "/v2/models/faces/infer", """
                {"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [0, 0, 0, 0]}]}"""));
        assertThat(argmax(features.path("outputs").get(0).path("data"), 0)).isEqualTo(2);
    }

    @Test
    void openInferenceProtocolMetadataReadinessAndErrors() throws Exception {
        JsonNode meta = ok(send("GET", "/v2/models/faces", null));
        assertThat(meta.path("name").asText()).isEqualTo("faces");
        assertThat(meta.path("versions").toString()).isEqualTo("[\"1\"]");
        assertThat(meta.path("platform").asText()).isEqualTo("onnxruntime_onnx");
        assertThat(meta.path("inputs").toString()).isEqualTo("[{\"name\":\"features\",\"datatype\":\"FP32\",\"shape\":[-1,4]}]");
        assertThat(meta.path("outputs").get(0).path("shape").toString()).isEqualTo("[-1,3]");
        assertThat(ok(send("GET", "/v2/models/faces/ready", null)).path("ready").asBoolean()).isTrue();
        error(send("GET", "/v2/models/nope/ready", null), 404, "no registered model 'nope'");
        error(send("POST", "/v2/models/nope/infer", "{}"), 404, "no registered model 'nope'");

        assertThat(error(send("POST", "/v2/models/faces/infer", """
                {"inputs": [{"name": "x", "shape": [1, 2, 2], "datatype": "FP32", "data": [1, 2, 3]}]}"""), 400, null))
                .contains("needs 4 values in 'data', got 3");
        assertThat(error(send("POST", "/v2/models/faces/infer", """
                {"inputs": [{"name": "x", "shape": [1, 2, 2], "datatype": "FP16", "data": [1, 2, 3, 4]}]}"""), 400, null))
                .contains("FP32, UINT8 or BYTES");
        assertThat(error(send("POST", "/v2/models/faces/infer", """
                {"inputs": [{"name": "x", "shape": [1, 5], "datatype": "FP32", "data": [1, 2, 3, 4, 5]}]}"""), 400, null))
                .contains("Expected 1 feature vectors of 4 values");
        assertThat(error(send("POST", "/v2/models/faces/infer", """
                {"inputs": [{"name": "x", "shape": [1, 2, 2], "datatype": "UINT8", "data": [1, 2, 3, 256]}]}"""), 400, null))
                .contains("from 0 to 255");
        assertThat(error(send("POST", "/v2/models/faces/infer", """
                {"inputs": [{"name": "x", "shape": [65, 1], "datatype": "FP32", "data": []}]}"""), 400, null))
                .contains("batch size N must be 1 to 64");
        assertThat(error(send("POST", "/v2/models/faces/infer", "{\"inputs\": []}"), 400, null)).contains("\"inputs\"");
    }

    private static int argmax(JsonNode flat, int row) {
        int best = 0;
        for (int k = 1; k < 3; k++) {
            if (flat.get(row * 3 + k).asDouble() > flat.get(row * 3 + best).asDouble()) {
                best = k;
            }
        }
        return best;
    }

    private static String png(boolean topBright) {
        return ServingApp.png(topBright);
    }

    private HttpResponse<String> send(String method, String path, String body) {
        return app.send(method, path, body);
    }

    private static JsonNode ok(HttpResponse<String> r) throws IOException {
        return ServingApp.ok(r);
    }

    private static String error(HttpResponse<String> r, int status, String message) throws IOException {
        return ServingApp.error(r, status, message);
    }
}
