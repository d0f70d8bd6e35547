package org.chimp.serving.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.chimp.http.Json;
import org.chimp.serving.ServingFixture;
import org.chimp.tracking.registry.Stage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The binary tensor data extension as KServe / Triton define it (extension_binary_data.md): the JSON header's size in
 * {@code Inference-Header-Content-Length}, raw little-endian row-major tensors after it, sized by each tensor's
 * {@code parameters.binary_data_size}; BYTES elements length-prefixed; binary outputs on request.
 */
class BinaryTensorsTest extends ServingAppPerTest {
    private static final String HEADER = "Inference-Header-Content-Length";

    @BeforeEach
    void start() {
        app.f.registerIn("faces", ServingFixture.upright(), Stage.PRODUCTION);
    }

    @Test
    void binaryFp32InputAndBinaryOutput() throws Exception {
        String json = "{\"parameters\": {\"binary_data_output\": true}, \"inputs\": [{\"name\": \"features\", \"shape\": [2, 4], "
                + "\"datatype\": \"FP32\", \"parameters\": {\"binary_data_size\": 32}}]}";
        byte[] raw = floats(1, 1, 0, 0, 0, 0, 1, 1);
        HttpResponse<byte[]> r = app.postBytes("/v2/models/faces/infer", concat(json.getBytes(StandardCharsets.UTF_8), raw),
                HEADER, Integer.toString(json.getBytes(StandardCharsets.UTF_8).length));
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        int headerLength = Integer.parseInt(r.headers().firstValue(HEADER).orElseThrow());
        JsonNode header = Json.MAPPER.readTree(Arrays.copyOf(r.body(), headerLength));
        JsonNode out = header.path("outputs").get(0);
        assertThat(out.path("datatype").asText()).isEqualTo("FP32");
        assertThat(out.path("shape").toString()).isEqualTo("[2,3]");
        assertThat(out.has("data")).isFalse();
        assertThat(out.path("parameters").path("binary_data_size").asInt()).isEqualTo(24);
        ByteBuffer values = ByteBuffer.wrap(r.body(), headerLength, 24).order(ByteOrder.LITTLE_ENDIAN);
        float[] p = new float[6];
        values.asFloatBuffer().get(p);
        assertThat(r.body()).hasSize(headerLength + 24);
        assertThat(p[0]).isGreaterThan(p[1]); // row 0: bright top
        assertThat(p[4]).isGreaterThan(p[3]); // row 1: bright bottom
    }

    @Test
    void binaryBytesInputWithJsonOutputAndPerOutputRequest() throws Exception {
        byte[] png = Base64.getDecoder().decode(ServingApp.png(false));
        byte[] element = ByteBuffer.allocate(4 + png.length).order(ByteOrder.LITTLE_ENDIAN).putInt(png.length).put(png).array();
        String json = "{\"inputs\": [{\"name\": \"image\", \"shape\": [1], \"datatype\": \"BYTES\", "
                + "\"parameters\": {\"binary_data_size\": " + element.length + "}}]}";
        HttpResponse<byte[]> r = app.postBytes("/v2/models/faces/infer", concat(json.getBytes(StandardCharsets.UTF_8), element),
                HEADER, Integer.toString(json.length()));
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        JsonNode data = Json.MAPPER.readTree(r.body()).path("outputs").get(0).path("data");
        assertThat(data.get(1).asDouble()).isGreaterThan(data.get(0).asDouble()); // bright bottom row

        String perOutput = "{\"outputs\": [{\"name\": \"probabilities\", \"parameters\": {\"binary_data\": true}}], "
                + "\"inputs\": [{\"name\": \"features\", \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [1, 1, 0, 0]}]}";
        HttpResponse<byte[]> binary = app.postBytes("/v2/models/faces/infer", perOutput.getBytes(StandardCharsets.UTF_8));
        assertThat(binary.statusCode()).isEqualTo(200);
        assertThat(binary.headers().firstValue(HEADER)).isPresent();
        // An output's own binary_data overrides the request's binary_data_output.
        String overridden = perOutput.replace("\"binary_data\": true", "\"binary_data\": false")
                .replace("{\"outputs\"", "{\"parameters\": {\"binary_data_output\": true}, \"outputs\"");
        HttpResponse<byte[]> plain = app.postBytes("/v2/models/faces/infer", overridden.getBytes(StandardCharsets.UTF_8));
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue(HEADER)).isEmpty();
        assertThat(Json.MAPPER.readTree(plain.body()).path("outputs").get(0).path("data")).hasSize(3);
    }

    @Test
    void inconsistentSizesAreClear400s() throws Exception {
        String json = "{\"inputs\": [{\"name\": \"features\", \"shape\": [1, 4], \"datatype\": \"FP32\", "
                + "\"parameters\": {\"binary_data_size\": 16}}]}";
        byte[] head = json.getBytes(StandardCharsets.UTF_8);
        assertThat(bad(concat(head, floats(1, 1, 0, 0)), "99999")).contains(HEADER);
        assertThat(bad(concat(head, floats(1, 1, 0, 0)), "-1")).contains(HEADER);
        assertThat(bad(concat(head, floats(1, 1, 0)), Integer.toString(head.length))).contains("binary_data_size");
        assertThat(bad(concat(head, floats(1, 1, 0, 0, 5)), Integer.toString(head.length))).contains("belong to no input");
        assertThat(bad(concat(head, floats(1, 1, 0, 0)), Integer.toString(head.length - 1))).contains("not valid JSON");
        String shapeMismatch = json.replace("[1, 4]", "[1, 5]");
        byte[] h2 = shapeMismatch.getBytes(StandardCharsets.UTF_8);
        assertThat(bad(concat(h2, floats(1, 1, 0, 0)), Integer.toString(h2.length))).contains("needs 5 values");
        String odd = json.replace("16}", "3}");
        byte[] h3 = odd.getBytes(StandardCharsets.UTF_8);
        assertThat(bad(concat(h3, new byte[3]), Integer.toString(h3.length))).contains("multiple of 4");
    }

    @Test
    void theServerAdvertisesTheExtension() throws Exception {
        assertThat(ServingApp.ok(app.send("GET", "/v2", null)).path("extensions").toString()).contains("binary_tensor_data");
    }

    private String bad(byte[] body, String headerLength) throws Exception {
        HttpResponse<byte[]> r = app.postBytes("/v2/models/faces/infer", body, HEADER, headerLength);
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(400);
        return Json.MAPPER.readTree(r.body()).path("message").asText();
    }

    private static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
