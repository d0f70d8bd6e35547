package org.chimp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.awaitility.Awaitility;
import org.chimp.server.ApiClient.Reply;
import org.chimp.training.sample.SyntheticFaces;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's walkthrough over real HTTP against a whole CHIMP node: upload a dataset, train with the built-in
 * plugin, find the run and the new model version, promote it, and ask the served model, then promote a second
 * version and see serving switch to it without a restart.
 */
class EndToEndTest {
    private static final String TOKEN = "e2e-test-token-0123456789";
    private static final Path FER = Path.of(System.getProperty("chimp.fer2013", "../../shared/data/fer2013-sample"));

    @TempDir
    Path dir;
    private StandaloneFixture chimp;
    private ApiClient api;

    @BeforeEach
    void start() throws IOException {
        chimp = StandaloneFixture.start(dir, TOKEN);
        api = chimp.api();
    }

    @AfterEach
    void stop() {
        chimp.close();
    }

    @Test
    void walkthroughWithSyntheticFaces() throws Exception {
        Path zip = dir.resolve("faces.zip");
        SyntheticFaces.writeZip(zip, 40, 12, 7);
        Trained first = uploadTrainAndCheck(zip, "faces", 0.6);

        // 5. promote, 6. infer: the Production model classifies the held-out images far above chance.
        promote(first, "Production");
        List<String> images = new ArrayList<>();
        List<String> truth = new ArrayList<>();
        readTestImages(zip, images, truth);
        Reply infer = api.postJson("/model/" + first.model + "/infer?stage=production", Map.of("inputs", images));
        assertThat(infer.status()).as(infer.text()).isEqualTo(200);
        assertThat(infer.json().at("/metadata/version").asText()).isEqualTo(String.valueOf(first.version));
        assertThat(infer.json().at("/metadata/run_id").asText()).isEqualTo(first.runId);
        JsonNode rows = infer.json().get("predictions").elements().next();
        assertThat(rows.size()).isEqualTo(images.size());
        for (JsonNode row : rows) {
            double sum = 0;
            for (JsonNode p : row) {
                sum += p.asDouble();
            }
            assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
        }
        JsonNode predicted = infer.json().get("predicted_labels");
        int correct = 0;
        for (int i = 0; i < truth.size(); i++) {
            correct += predicted.get(i).asText().equals(truth.get(i)) ? 1 : 0;
        }
        assertThat((double) correct / truth.size()).as("served accuracy on held-out images").isGreaterThan(0.6);

        // A second training and promotion: serving switches to it without a restart.
        Trained second = train("faces", first.model, Map.of("epochs", "5"));
        assertThat(second.version).isEqualTo(first.version + 1);
        promote(second, "Production");
        // The new version loads in the background (an ONNX session): a ceiling for a loaded machine, not a time.
        Awaitility.await().alias("serving answers with version " + second.version).atMost(Duration.ofSeconds(60))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
                .until(() -> api.postJson("/model/" + first.model + "/infer", Map.of("inputs", images.get(0)))
                        .json().at("/metadata/version").asText(), String.valueOf(second.version)::equals);
    }

    @Test
    void walkthroughWithFer2013Sample() throws Exception {
        assumeThat(Files.isDirectory(FER)).as("FER2013 sample at " + FER.toAbsolutePath()).isTrue();
        Path zip = dir.resolve("fer.zip");
        zipDirectory(FER, zip);
        // 70 training images of 7 emotions: the model must train and serve; accuracy is only required to be valid.
        Trained t = uploadTrainAndCheck(zip, "fer-sample", -1);
        promote(t, "Production");
        List<String> images = new ArrayList<>();
        readTestImages(zip, images, new ArrayList<>());
        Reply infer = api.postJson("/model/" + t.model + "/infer?stage=production", Map.of("inputs", images.get(0)));
        assertThat(infer.status()).as(infer.text()).isEqualTo(200);
        assertThat(infer.json().get("labels")).hasSize(7);
        assertThat(infer.json().get("labels").toString()).contains("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise");
    }

    @Test
    void mistakesGetClearErrorsAndChangeNothing() throws Exception {
        assertThat(api.getWithoutToken("/datasets").status()).isEqualTo(401);
        assertThat(api.getWithoutToken("/ping").text()).isEqualTo("pong");

        Path notZip = dir.resolve("not.zip");
        Files.writeString(notZip, "hello");
        Reply bad = api.postFile("/datasets", notZip, Map.of("dataset_name", "broken"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("status-code").asInt()).isEqualTo(400);
        assertThat(bad.json().get("message").asText()).isNotBlank();
        assertThat(api.get("/datasets").json().get("datasets")).isEmpty();

        assertThat(api.get("/tasks/poll/no-such-task").status()).isEqualTo(404);
        Reply unknownDataset = api.postForm("/tasks/run/image-classifier", Map.of("datasets", "{\"train\": \"nope\"}"));
        assertThat(unknownDataset.status()).isEqualTo(404);
        Reply badArg = api.postForm("/tasks/run/image-classifier", Map.of("datasets", "{\"train\": \"nope\"}", "epochs", "many"));
        assertThat(badArg.status()).isEqualTo(400);
        assertThat(api.get("/jobs").json().toString()).doesNotContain("image-classifier");
        assertThat(api.postJson("/model/nothing/infer", Map.of("inputs", "x")).status()).isEqualTo(404);

        // A dataset the plugin cannot learn from (one label) fails the task with the reason, not a 500.
        Path oneLabel = dir.resolve("one.zip");
        SyntheticFaces.writeZip(oneLabel, 3, 0, 1);
        Path single = dir.resolve("single.zip");
        keepOnlyLabel(oneLabel, single, "happy");
        assertThat(api.postFile("/datasets", single, Map.of("dataset_name", "single")).status()).isEqualTo(200);
        JsonNode poll = runToEnd(submit("single", "m-single", Map.of()));
        assertThat(poll.get("successful").asBoolean()).isFalse();
        assertThat(poll.get("value").asText()).containsIgnoringCase("label");
    }

    // ---- steps ----

    private record Trained(String runId, String model, int version) {
    }

    private Trained uploadTrainAndCheck(Path zip, String name, double minAccuracy) throws Exception {
        // 1. upload and list
        Reply up = api.postFile("/datasets", zip, Map.of("dataset_name", name));
        assertThat(up.status()).as(up.text()).isEqualTo(200);
        assertThat(api.get("/datasets").json().toString()).contains("\"" + name + "\"");
        // 2. the plugin and its typed arguments
        assertThat(api.get("/plugins").json().get("plugins").toString()).contains("image-classifier");
        JsonNode details = null;
        for (JsonNode p : api.get("/plugins?include_details=true").json().get("plugins")) {
            details = "image-classifier".equals(p.get("name").asText()) ? p : details;
        }
        assertThat(details).as("image-classifier among the plugins (emotion-cnn sorts first)").isNotNull();
        assertThat(details.at("/arguments/epochs/type").asText()).isEqualTo("int");
        assertThat(details.at("/datasets/train/name").asText()).isEqualTo("train");
        // 3. run and poll; 4. the run and the model version it made
        Trained t = train(name, name + "-model", Map.of("epochs", "15"));
        Reply run = api.get("/api/2.0/mlflow/runs/get?run_id=" + t.runId);
        assertThat(run.status()).as(run.text()).isEqualTo(200);
        assertThat(run.json().at("/run/data/params").toString()).contains("epochs", "learning_rate");
        String metrics = run.json().at("/run/data/metrics").toString();
        assertThat(metrics).contains("val_accuracy", "train_loss");
        Reply history = api.get("/api/2.0/mlflow/metrics/get-history?run_id=" + t.runId + "&metric_key=train_loss");
        assertThat(history.json().get("metrics").size()).as("one train_loss per epoch").isEqualTo(15);
        double accuracy = -1;
        for (JsonNode m : run.json().at("/run/data/metrics")) {
            if (m.get("key").asText().equals("test_accuracy")) {
                accuracy = m.get("value").asDouble();
            }
        }
        assertThat(accuracy).as("held-out accuracy").isBetween(0.0, 1.0).isGreaterThan(minAccuracy);
        Reply version = api.get("/api/2.0/mlflow/model-versions/get?name=" + t.model + "&version=" + t.version);
        assertThat(version.status()).isEqualTo(200);
        assertThat(version.json().at("/model_version/run_id").asText()).isEqualTo(t.runId);
        return t;
    }

    private Trained train(String dataset, String model, Map<String, String> args) throws Exception {
        String taskId = submit(dataset, model, args);
        JsonNode poll = runToEnd(taskId);
        assertThat(poll.get("successful").asBoolean()).as(poll.toString()).isTrue();
        JsonNode v = poll.get("value");
        return new Trained(v.get("run_id").asText(), v.get("model_name").asText(), v.get("model_version").asInt());
    }

    private String submit(String dataset, String model, Map<String, String> args) throws Exception {
        Map<String, String> form = new java.util.HashMap<>(args);
        form.put("datasets", "{\"train\": \"" + dataset + "\"}");
        form.put("model_name", model);
        Reply r = api.postForm("/tasks/run/image-classifier", form);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isNotBlank();
        return r.json().get("task_id").asText();
    }

    private JsonNode runToEnd(String taskId) {
        // An unfinished task has no outcome yet: checked on every poll, failing at once.
        return Tasks.await(api, taskId, poll -> {
            assertThat(poll.get("ready").asBoolean() || poll.get("successful").isNull()).as(poll.toString()).isTrue();
            return poll.get("ready").asBoolean();
        }, Duration.ofMinutes(3));
    }

    private void promote(Trained t, String stage) throws Exception {
        Reply r = api.postJson("/api/2.0/mlflow/model-versions/transition-stage", Map.of("name", t.model,
                "version", String.valueOf(t.version), "stage", stage, "archive_existing_versions", true));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().at("/model_version/current_stage").asText()).isEqualTo(stage);
    }

    // ---- zips ----

    private static void readTestImages(Path zip, List<String> base64, List<String> labels) throws IOException {
        try (var fs = java.nio.file.FileSystems.newFileSystem(zip)) {
            try (Stream<Path> files = Files.walk(fs.getPath("/test"))) {
                for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                    base64.add(Base64.getEncoder().encodeToString(Files.readAllBytes(p)));
                    labels.add(p.getParent().getFileName().toString().replace("/", ""));
                }
            }
        }
    }

    private static void zipDirectory(Path root, Path zip) throws IOException {
        try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(os);
             Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new ZipEntry(root.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
    }

    private static void keepOnlyLabel(Path from, Path to, String label) throws IOException {
        try (var fs = java.nio.file.FileSystems.newFileSystem(from);
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to));
             Stream<Path> files = Files.walk(fs.getPath("/train", label))) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new ZipEntry(p.toString().substring(1)));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
    }
}
