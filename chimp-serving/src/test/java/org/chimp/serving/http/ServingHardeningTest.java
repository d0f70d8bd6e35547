package org.chimp.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.serving.http.ServingApp.error;
import static org.chimp.serving.http.ServingApp.ok;
import static org.chimp.serving.http.ServingApp.png;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import org.chimp.api.image.ImageLimits;
import org.chimp.api.image.PngBomb;
import org.chimp.http.Json;
import org.chimp.serving.ServingFixture;
import org.chimp.tracking.registry.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The findings of the hardening issue, each over HTTP: hostile input gets a 4xx with a message, never a 500. */
class ServingHardeningTest extends ServingAppPerTest {
    private static final String TOP = "[[255, 255], [0, 0]]";

    private ServingFixture f;
    private final ImageLimits limits = ImageLimits.current();

    @BeforeEach
    void start() {
        f = app.f;
        f.registerIn("faces", ServingFixture.upright(), Stage.PRODUCTION);
    }

    @AfterEach
    void stop() {
        ImageLimits.install(limits);
    }

    @Test
    void anImageBombIs413OnEveryImagePathAndTheServerKeepsServing() throws Exception {
        String bomb = Base64.getEncoder().encodeToString(PngBomb.gray(20_000, 20_000));
        long usedBefore = usedHeap();
        assertThat(error(app.send("POST", "/model/faces/infer", "{\"inputs\": \"" + bomb + "\"}"), 413, null))
                .contains("20000x20000");
        assertThat(error(app.send("POST", "/model/faces/infer", "{\"inputs\": [\"" + png(true) + "\", \"" + bomb + "\"]}"), 413, null))
                .contains("20000x20000");
        assertThat(error(app.send("POST", "/v2/models/faces/infer", "{\"inputs\": [{\"name\": \"image\", \"shape\": [1], "
                + "\"datatype\": \"BYTES\", \"data\": [\"" + bomb + "\"]}]}"), 413, null)).contains("20000x20000");
        // Decoded, each bomb would have taken gigabytes.
        assertThat(usedHeap() - usedBefore).isLessThan(300L << 20);
        ok(app.send("POST", "/model/faces/infer", "{\"inputs\": " + TOP + "}"));
    }

    @Test
    void oipBodiesReadInOneStreamingPassAreAsStrictAsATreeParse() throws Exception {
        String tensor = "{\"name\": \"image\", \"shape\": [1, 2, 2], \"datatype\": \"UINT8\", \"data\": ";
        List<String> hostile = List.of(
                "{\"inputs\": [" + tensor + "[".repeat(5_000) + "]".repeat(5_000) + "}]}",
                "{\"inputs\": [" + tensor + TOP + ", \"data\": " + TOP + "}]}",
                "{\"inputs\": [" + tensor + TOP + "}]} {\"inputs\": []}",
                "{\"inputs\": [" + tensor + "[[255, \"255\"], [0, 0]]}]}",
                "{\"inputs\": [" + tensor + "[[255, 255], [0, 1e999]]}]}",
                "{\"inputs\": [" + tensor + "[[255, 255], [0, 0.5]]}]}",
                "{\"inputs\": [" + tensor + "[[255, 255], [0");
        for (String body : hostile) {
            HttpResponse<String> r = app.send("POST", "/v2/models/faces/infer", body);
            assertThat(r.statusCode()).as(body.length() > 200 ? body.substring(0, 200) : body).isEqualTo(400);
            assertThat(r.body()).doesNotContain("Exception");
        }
        // The same tensor, well formed, is answered.
        JsonNode answer = ok(app.send("POST", "/v2/models/faces/infer", "{\"inputs\": [" + tensor + TOP + "}]}"));
        assertThat(answer.path("outputs").get(0).path("datatype").asText()).isEqualTo("FP32");
    }

    @Test
    void pixelListsAndPixelTensorsAreBoundedByTheImageLimits() throws Exception {
        // A pixel tensor declaring 20000 x 20000: refused by its shape, before its data is even looked at.
        assertThat(error(app.send("POST", "/v2/models/faces/infer", """
                {"inputs": [{"name": "image", "shape": [1, 20000, 20000], "datatype": "UINT8", "data": [0]}]}"""), 413, null))
                .contains("20000x20000");
        ImageLimits.install(new ImageLimits(3, 100, 3));
        assertThat(error(app.send("POST", "/model/faces/infer", "{\"inputs\": " + TOP + "}"), 413, null)).contains("2x2");
        assertThat(error(app.send("POST", "/v2/models/faces/infer", """
                {"inputs": [{"name": "image", "shape": [1, 2, 2], "datatype": "UINT8", "data": [0, 0, 0, 0]}]}"""), 413, null))
                .contains("2x2");
    }

    @Test
    void aBatchTooLargeIsRefusedBeforeDecoding() throws Exception {
        String bomb = Base64.getEncoder().encodeToString(PngBomb.gray(20_000, 20_000));
        StringBuilder batch = new StringBuilder("{\"inputs\": [\"" + bomb + "\"");
        for (int i = 0; i < ServingRoutes.MAX_BATCH; i++) {
            batch.append(", \"").append(png(true)).append('"');
        }
        error(app.send("POST", "/model/faces/infer", batch + "]}"), 400, "At most 64 images per request, got 65; split the batch");
    }

    @Test
    void theImagesOfOneRequestMayNotHoldMoreThanTheInFlightBudgetTogether() throws Exception {
        ImageLimits.install(new ImageLimits(16, 100, 32));
        String four = blackPng(4);
        String two = "{\"inputs\": [\"" + four + "\", \"" + four + "\"]}";
        ok(app.send("POST", "/model/faces/infer", two));
        String three = "{\"inputs\": [\"" + four + "\", \"" + four + "\", \"" + four + "\"]}";
        assertThat(error(app.send("POST", "/model/faces/infer", three), 413, null)).contains("at most 32 pixels together");
        assertThat(error(app.send("POST", "/v2/models/faces/infer", "{\"inputs\": [{\"name\": \"image\", \"shape\": [3], "
                + "\"datatype\": \"BYTES\", \"data\": [\"" + four + "\", \"" + four + "\", \"" + four + "\"]}]}"), 413, null))
                .contains("together");
        ok(app.send("POST", "/model/faces/infer", two)); // the budget was given back
    }

    /** A black side x side gray PNG, base64. */
    private static String blackPng(int side) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(side, side, java.awt.image.BufferedImage.TYPE_BYTE_GRAY), "png", out);
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    @Test
    void numbersOutsideTheDatatypeAreRefusedNamingTheInputAndIndex() throws Exception {
        error(app.send("POST", "/v2/models/faces/infer", """
                {"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [0, 1, 1e39, 0]}]}"""), 400,
                "Input 'features': 'data' value 2 (1.0E39) is outside the FP32 range (magnitudes up to 3.4028235E38)");
        assertThat(error(app.send("POST", "/v2/models/faces/infer", """
                {"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [0, -1e400, 0, 0]}]}"""), 400, null))
                .contains("'data' value 1").contains("outside the FP32 range");
        assertThat(error(app.send("POST", "/v2/models/faces/infer", """
                {"inputs": [{"name": "image", "shape": [1, 2, 2], "datatype": "UINT8", "data": [0, 0, 2.5, 0]}]}"""), 400, null))
                .contains("Input 'image': 'data' value 2 (2.5) is not a UINT8");
        assertThat(error(app.send("POST", "/v2/models/faces/infer", """
                {"inputs": [{"name": "image", "shape": [1, 2, 2], "datatype": "FP32", "data": [0, "NaN", 0, 0]}]}"""), 400, null))
                .contains("Input 'image': 'data' value 1 (\"NaN\") must be a number");
    }

    @Test
    void scoresThatOverflowAre422NeverStringsInAnFp32Tensor() throws Exception {
        // Finite inputs, but 5 x 3e38 overflows the tiny model's logits: its softmax is NaN.
        String body = """
                {"inputs": [{"name": "features", "shape": [2, 4], "datatype": "FP32", "data": [0, 0, 0, 0, 3e38, 3e38, 0, 0]}]}""";
        HttpResponse<String> r = app.send("POST", "/v2/models/faces/infer", body);
        assertThat(error(r, 422, null)).contains("Model 'faces' version 1 gave no finite scores for batch item 1");
        assertThat(Json.MAPPER.readTree(r.body()).has("outputs")).isFalse(); // no "NaN" strings as FP32 data
    }

    @Test
    void aVersionThatCannotBeLoadedIs409WithoutServerPaths() throws Exception {
        int v = f.register("broken", "not an onnx model".getBytes(), ServingFixture.LABELS);
        f.promote("broken", v, Stage.PRODUCTION);
        String message = error(app.send("POST", "/model/broken/infer", "{\"inputs\": " + TOP + "}"), 409, null);
        assertThat(message).startsWith("model 'broken' version 1 (Production) cannot be loaded: ")
                .contains("not a model ONNX Runtime can load").doesNotContain("/").doesNotContain(dir.toString());
    }

    @Test
    void whenANewerVersionFailsToLoadTheMetadataSaysWhatAnswers() throws Exception {
        ok(app.send("POST", "/model/faces/infer", "{\"inputs\": " + TOP + "}"));
        int broken = f.register("faces", ServingFixture.upright(), List.of("yes", "no"));
        f.promote("faces", broken, Stage.PRODUCTION);
        f.settle();

        JsonNode m = ok(app.send("POST", "/model/faces/infer", "{\"inputs\": " + TOP + "}")).path("metadata");
        assertThat(m.path("version").asInt()).isEqualTo(1);
        assertThat(m.path("stage").asText()).isEqualTo("Archived");
        assertThat(m.path("failed_load").path("version").asInt()).isEqualTo(2);
        assertThat(m.path("failed_load").path("stage").asText()).isEqualTo("Production");
        assertThat(m.path("failed_load").path("message").asText()).contains("version 2 (Production) cannot be loaded");

        JsonNode loaded = ok(app.send("GET", "/model", null)).path("data").path("loaded_models").get(0);
        assertThat(loaded.path("stage").asText()).isEqualTo("Production");
        assertThat(loaded.path("version").asInt()).isEqualTo(1);
        assertThat(loaded.path("version_stage").asText()).isEqualTo("Archived");
        assertThat(loaded.path("failed_load").path("version").asInt()).isEqualTo(2);

        JsonNode ready = ok(app.send("GET", "/v2/health/ready", null));
        assertThat(ready.path("ready").asBoolean()).isTrue();
        assertThat(ready.path("models").get(0).path("message").asText()).contains("version 1 keeps answering");

        // Moving Production back to version 1 clears the failure.
        f.promote("faces", 1, Stage.PRODUCTION);
        f.settle();
        m = ok(app.send("POST", "/model/faces/infer", "{\"inputs\": " + TOP + "}")).path("metadata");
        assertThat(m.path("stage").asText()).isEqualTo("Production");
        assertThat(m.has("failed_load")).isFalse();
    }

    @Test
    void readinessIsTrueOnlyWhenEveryProductionModelIsLoaded() throws Exception {
        assertThat(ok(app.send("GET", "/v2/health/live", null)).path("live").asBoolean()).isTrue();
        // Nothing loaded yet: not ready, and the check queues the load.
        HttpResponse<String> first = app.send("GET", "/v2/health/ready", null);
        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(Json.MAPPER.readTree(first.body()).path("models").get(0).path("message").asText()).contains("loading");
        f.settle();
        assertThat(ok(app.send("GET", "/v2/health/ready", null)).path("ready").asBoolean()).isTrue();

        int v = f.register("broken", "not an onnx model".getBytes(), ServingFixture.LABELS);
        f.promote("broken", v, Stage.PRODUCTION);
        app.send("GET", "/v2/health/ready", null);
        f.settle();
        HttpResponse<String> r = app.send("GET", "/v2/health/ready", null);
        assertThat(r.statusCode()).isEqualTo(503);
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.path("ready").asBoolean()).isFalse();
        assertThat(body.path("models").toString()).contains("\"name\":\"broken\",\"ready\":false").contains("cannot be loaded");

        HttpResponse<String> model = app.send("GET", "/v2/models/broken/ready", null);
        assertThat(model.statusCode()).isEqualTo(503);
        assertThat(Json.MAPPER.readTree(model.body()).path("ready").asBoolean()).isFalse();
        assertThat(ok(app.send("GET", "/v2/models/faces/ready", null)).path("ready").asBoolean()).isTrue();
    }

    @Test
    void hostileShapesAndStructuresAre400s() throws Exception {
        String nested = "[".repeat(10_000) + "]".repeat(10_000);
        assertThat(error(app.send("POST", "/model/faces/infer", "{\"inputs\": " + nested + "}"), 400, null)).contains("not valid JSON");
        assertThat(error(app.send("POST", "/v2/models/faces/infer", "{\"inputs\": [{\"name\": \"x\", \"shape\": [1], "
                + "\"datatype\": \"BYTES\", \"data\": " + nested + "}]}"), 400, null)).contains("not valid JSON");
        // Just under the parser's nesting limit: parsed, then refused by shape.
        String deep = "[".repeat(900) + "0" + "]".repeat(900);
        assertThat(error(app.send("POST", "/model/faces/infer", "{\"inputs\": " + deep + "}"), 400, null)).contains("nested 900 deep");
        assertThat(error(app.send("POST", "/v2/models/faces/infer", "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 4], "
                + "\"datatype\": \"FP32\", \"data\": " + deep + "}]}"), 400, null)).contains("needs 4 values in 'data', got 1");
        for (String shape : List.of("[2147483647, 2147483647]", "[-1, 4]", "[0, 4]", "[1, 4.5]", "[]", "\"1,4\"", "[1, 2, 2, 2, 2]")) {
            assertThat(error(app.send("POST", "/v2/models/faces/infer", "{\"inputs\": [{\"name\": \"x\", \"shape\": " + shape
                    + ", \"datatype\": \"FP32\", \"data\": [0, 0, 0, 0]}]}"), 400, null)).as(shape).contains("Input 'x': 'shape'");
        }
        assertThat(error(app.send("POST", "/v2/models/faces/infer", """
                {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "fp32", "data": [0, 0, 0, 0]}]}"""), 400, null))
                .contains("datatype must be FP32, UINT8 or BYTES, got \"fp32\"");
        assertThat(error(app.send("POST", "/v2/models/faces/infer", """
                {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [[0, 0], [0]]}]}"""), 400, null))
                .contains("needs 4 values in 'data', got 3");
        assertThat(error(app.send("POST", "/v2/models/faces/infer", """
                {"id": {"a": 1}, "inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [0, 0, 0, 0]}]}"""), 400, null))
                .contains("'id' must be a string");
    }

    private static long usedHeap() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
