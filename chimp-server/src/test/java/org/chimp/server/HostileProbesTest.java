package org.chimp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.chimp.api.image.PngBomb;
import org.chimp.server.ApiClient.Reply;
import org.chimp.server.node.ChimpNode;
import org.chimp.server.node.NodeSettings;
import org.chimp.server.node.Role;
import org.chimp.server.node.WorkerSettings;
import org.chimp.training.sample.SyntheticFaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hardening issue's probes, rerun against a whole standalone node with a trained model in Production: each
 * answer is the 4xx the issue asks for, with a JSON message, and changes nothing. (Slow clients, short bodies and
 * Jetty's own errors are probed at the HTTP layer in chimp-http's HardenedServerTest.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileProbesTest {
    private static final String TOKEN = "hostile-probes-token-0123456789";
    private static final String MODEL = "probe-model";

    @TempDir
    static Path dir;
    private ChimpNode node;
    private ApiClient api;
    private byte[] bomb;

    @BeforeAll
    void startWithATrainedModel() throws Exception {
        node = ChimpNode.standalone(new NodeSettings(dir.resolve("data"), null, "embedded", null, TOKEN), 0,
                new WorkerSettings(List.of("training"), 1));
        api = new ApiClient(node.port(Role.TRAINING), TOKEN);
        Path zip = dir.resolve("faces.zip");
        SyntheticFaces.writeZip(zip, 10, 4, 7);
        assertThat(api.postFile("/datasets", zip, Map.of("dataset_name", "faces")).status()).isEqualTo(200);
        Reply task = api.postForm("/tasks/run/image-classifier", Map.of("datasets", "{\"train\": \"faces\"}",
                "model_name", MODEL, "epochs", "2"));
        assertThat(task.status()).as(task.text()).isEqualTo(200);
        JsonNode poll = poll(task.json().get("task_id").asText());
        assertThat(poll.get("successful").asBoolean()).as(poll.toString()).isTrue();
        Reply promoted = api.postJson("/api/2.0/mlflow/model-versions/transition-stage", Map.of("name", MODEL,
                "version", poll.at("/value/model_version").asText(), "stage", "Production"));
        assertThat(promoted.status()).as(promoted.text()).isEqualTo(200);
        bomb = PngBomb.gray(20_000, 20_000);
    }

    @AfterAll
    void stop() {
        node.close();
    }

    @Test
    void anImageBombIs413OnBothInferenceApis() throws Exception {
        String b64 = Base64.getEncoder().encodeToString(bomb);
        isError(api.postJson("/model/" + MODEL + "/infer", Map.of("inputs", b64)), 413);
        JsonNode meta = api.get("/v2/models/" + MODEL).json();
        String input = meta.at("/inputs/0/name").asText();
        Reply oip = api.postJson("/v2/models/" + MODEL + "/infer", Map.of("inputs", List.of(Map.of(
                "name", input, "datatype", "BYTES", "shape", List.of(1), "data", List.of(b64)))));
        assertThat(oip.status()).as(oip.text()).isIn(400, 413);
        assertThat(oip.text()).doesNotContain("OutOfMemory");
    }

    @Test
    void aDatasetHoldingAnImageBombIsRefusedAtUpload() throws Exception {
        Path zip = zipOf(Map.of("train/happy/bomb.png", bomb, "train/sad/ok.png", face(1)));
        Reply r = api.postFile("/datasets", zip, Map.of("dataset_name", "bombed"));
        assertThat(r.status()).as(r.text()).isIn(400, 413);
        assertThat(r.text()).contains("bomb.png");
        assertThat(api.get("/datasets").text()).doesNotContain("bombed");
    }

    @Test
    void overlongLabelsAndNamesAre400() throws Exception {
        Path zip = zipOf(Map.of("train/" + "x".repeat(300) + "/a.png", face(1),
                "train/sad/b.png", face(2)));
        isError(api.postFile("/datasets", zip, Map.of("dataset_name", "longlabel")), 400);
        Reply training = api.postForm("/tasks/run/image-classifier", Map.of("datasets", "{\"train\": \"faces\"}",
                "model_name", "../../etc"));
        isError(training, 400);
        isError(api.postForm("/tasks/run/image-classifier", Map.of("datasets", "{\"train\": \"faces\"}",
                "experiment_name", "e".repeat(100_000))), 400);
        assertThat(api.get("/jobs").text()).doesNotContain("../../etc");
    }

    @Test
    void twoFileParts400() throws Exception {
        byte[] zip = Files.readAllBytes(zipOf(Map.of("train/happy/a.png", face(1), "train/sad/b.png", face(2))));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("--b\r\nContent-Disposition: form-data; name=\"dataset_name\"\r\n\r\ntwice\r\n".getBytes(StandardCharsets.UTF_8));
        for (String name : new String[] {"a.zip", "b.zip"}) {
            body.writeBytes(("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.writeBytes(zip);
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes("--b--\r\n".getBytes(StandardCharsets.UTF_8));
        isError(api.postBytes("/datasets", "multipart/form-data; boundary=b", body.toByteArray()), 400);
        assertThat(api.get("/datasets").text()).doesNotContain("twice");
    }

    @Test
    void outOfRangeTensorValuesAre400NotStringsInAFloatTensor() throws Exception {
        JsonNode meta = api.get("/v2/models/" + MODEL).json();
        JsonNode in = meta.at("/inputs/0");
        long size = 1;
        for (JsonNode d : in.get("shape")) {
            size *= Math.max(1, d.asLong());
        }
        StringBuilder data = new StringBuilder("[");
        for (long i = 0; i < size; i++) {
            data.append(i == 0 ? "" : ",").append("1e39");
        }
        String shape = in.get("shape").toString().replace("-1", "1");
        Reply r = api.postJson("/v2/models/" + MODEL + "/infer", "{\"inputs\": [{\"name\": \"" + in.get("name").asText()
                + "\", \"datatype\": \"FP32\", \"shape\": " + shape + ", \"data\": " + data + "]}]}");
        // /v2 routes answer in the Open Inference Protocol's error shape, {"error": "..."}.
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).as(r.text()).contains("outside the FP32 range");
        assertThat(r.text()).doesNotContain("NaN");
    }

    @Test
    void messagesLeakNoNamesOrPaths() throws Exception {
        Reply missing = api.get("/datasets/no-such-dataset");
        isError(missing, 404);
        assertThat(missing.text()).as("other datasets' names").doesNotContain("faces");
        assertThat(missing.text()).doesNotContain(dir.toString());
    }

    @Test
    void probesNeedNoToken() throws Exception {
        assertThat(api.getWithoutToken("/ping/").status()).isEqualTo(200);
        assertThat(api.getWithoutToken("/v2/health/live").status()).isEqualTo(200);
        assertThat(api.getWithoutToken("/v2/health/ready").status()).isIn(200, 503);
        assertThat(api.getWithoutToken("/datasets").status()).isEqualTo(401);
    }

    private static void isError(Reply r, int status) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.json().path("message").asText()).as(r.text()).isNotBlank();
    }

    private JsonNode poll(String taskId) {
        return Tasks.await(api, taskId, p -> p.get("ready").asBoolean(), Duration.ofMinutes(3));
    }

    private static byte[] face(long seed) {
        return SyntheticFaces.png(SyntheticFaces.Expression.values()[0], new java.util.Random(seed), 48);
    }

    private Path zipOf(Map<String, byte[]> entries) throws IOException {
        Path zip = Files.createTempFile(dir, "probe", ".zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return zip;
    }
}
