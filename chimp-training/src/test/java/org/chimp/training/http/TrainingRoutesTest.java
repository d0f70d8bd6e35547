package org.chimp.training.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.javalin.Javalin;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.chimp.http.HttpErrors;
import org.chimp.jobs.Job;
import org.chimp.jobs.JobStatus;
import org.chimp.jobs.JobOutcome;
import org.chimp.jobs.JobState;
import org.chimp.jobs.Progress;
import org.chimp.training.imageclassifier.ImageClassifierPlugin;
import org.chimp.training.runner.FakeQueue;
import org.chimp.training.runner.PluginRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TrainingRoutesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final FakeQueue queue = new FakeQueue().dataset("faces", 2);
    private final HttpClient http = HttpClient.newHttpClient();
    private Javalin app;

    @BeforeEach
    void start() {
        app = Javalin.create();
        HttpErrors.install(app);
        new TrainingRoutes(queue.service(new PluginRegistry(List.of(new ImageClassifierPlugin())))).addTo(app);
        app.start(0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    @Test
    void listsPluginNamesAndDetails() throws Exception {
        assertThat(get("/plugins").body()).isEqualTo(MAPPER.readTree("{\"plugins\": [\"image-classifier\"]}"));
        JsonNode info = get("/plugins?include_details=true").body().get("plugins").get(0);
        assertThat(info.get("name").asText()).isEqualTo("image-classifier");
        assertThat(info.get("model_return_type").asText()).isEqualTo("onnx");
        JsonNode epochs = info.get("arguments").get("epochs");
        assertThat(epochs.get("name").asText()).isEqualTo("epochs");
        assertThat(epochs.get("type").asText()).isEqualTo("int");
        assertThat(epochs.get("optional").asBoolean()).isTrue();
        assertThat(epochs.get("default").asInt()).isEqualTo(20);
        assertThat(info.get("arguments").get("learning_rate").get("type").asText()).isEqualTo("float");
        assertThat(info.get("datasets").get("train").get("optional").asBoolean()).isFalse();
        // Names say what they name, so a client can check them as the server will.
        assertThat(info.get("arguments").get("model_name").get("type").asText()).isEqualTo("str");
        assertThat(info.get("arguments").get("model_name").get("kind").asText()).isEqualTo("model_name");
        assertThat(info.get("arguments").get("experiment_name").get("kind").asText()).isEqualTo("experiment_name");
        assertThat(epochs.has("kind")).isFalse();
        assertThat(get("/plugins?include_details=maybe").status()).isEqualTo(400);
    }

    @Test
    void runQueuesATaskAndPollFollowsIt() throws Exception {
        Response run = post("/tasks/run/image-classifier", Map.of("datasets", "{\"train\": \"faces\"}", "epochs", "3"));
        assertThat(run.status()).isEqualTo(200);
        assertThat(run.body().get("status").asText()).isEqualTo("queued");
        String id = run.body().get("task_id").asText();
        assertThat(queue.submitted.get(0).payload().get("arguments").get("epochs").asInt()).isEqualTo(3);
        assertThat(queue.submitted.get(0).payload().get("datasets").get("train").asText()).isEqualTo("faces@2");

        JsonNode queued = get("/tasks/poll/" + id).body();
        assertThat(queued.get("ready").asBoolean()).isFalse();
        assertThat(queued.get("successful").isNull()).isTrue();
        assertThat(queued.get("value").isNull()).isTrue();
        assertThat(queued.get("state").asText()).isEqualTo("queued");
        assertThat(queued.get("progress").isNull()).isTrue();

        replace(id, JobState.RUNNING, new Progress(0.5, "Epoch 2/3"), null, null);
        JsonNode running = get("/tasks/poll/" + id).body();
        assertThat(running.get("progress").get("fraction").asDouble()).isEqualTo(0.5);
        assertThat(running.get("progress").get("message").asText()).isEqualTo("Epoch 2/3");

        var result = JsonNodeFactory.instance.objectNode().put("model_name", "image-classifier").put("model_version", 1);
        replace(id, JobState.SUCCEEDED, new Progress(1, "done"), result, null);
        JsonNode done = get("/tasks/poll/" + id).body();
        assertThat(done.get("ready").asBoolean()).isTrue();
        assertThat(done.get("successful").asBoolean()).isTrue();
        assertThat(done.get("value")).isEqualTo(result);

        replace(id, JobState.FAILED, null, null, "The label 'fear' has no images");
        JsonNode failed = get("/tasks/poll/" + id).body();
        assertThat(failed.get("ready").asBoolean()).isTrue();
        assertThat(failed.get("successful").asBoolean()).isFalse();
        assertThat(failed.get("value").asText()).isEqualTo("The label 'fear' has no images");
    }

    @Test
    void pluginDetailsRunAnswersAndPollsHaveTheirWholeShape() throws Exception {
        JsonNode info = get("/plugins?include_details=true").body().get("plugins").get(0);
        assertThat(info.fieldNames()).toIterable()
                .containsExactly("name", "version", "description", "arguments", "datasets", "model_return_type");
        assertThat(info.get("arguments").get("epochs")).isEqualTo(MAPPER.readTree("""
                {"name": "epochs", "type": "int", "description": "passes over the training images", "optional": true,
                 "default": 20, "min": 1.0, "max": 500.0}"""));
        assertThat(info.get("arguments").get("seed")).isEqualTo(MAPPER.readTree("""
                {"name": "seed", "type": "int", "description": "seed of the split and the shuffling", "optional": true,
                 "default": 42}"""));
        assertThat(info.get("arguments").get("model_name")).isEqualTo(MAPPER.readTree("""
                {"name": "model_name", "type": "str", "kind": "model_name",
                 "description": "registered model to add a version to", "optional": true, "default": "image-classifier"}"""));
        assertThat(info.get("datasets")).isEqualTo(MAPPER.readTree("""
                {"train": {"name": "train", "optional": false,
                           "description": "images in the FER2013 layout: train/<label>/*.png|jpg, optionally test/<label>/..."}}"""));

        Response run = post("/tasks/run/image-classifier", Map.of("datasets", "{\"train\": \"faces\"}"));
        String id = run.body().get("task_id").asText();
        assertThat(run.body()).isEqualTo(MAPPER.createObjectNode().put("status", "queued").put("task_id", id));
        replace(id, JobState.RUNNING, new Progress(0.5, "Epoch 2/3"), null, null);
        assertThat(get("/tasks/poll/" + id).body()).isEqualTo(MAPPER.readTree("""
                {"ready": false, "successful": null, "value": null, "state": "running",
                 "progress": {"fraction": 0.5, "message": "Epoch 2/3"}}"""));
        replace(id, JobState.CANCELLED, null, null, null);
        assertThat(get("/tasks/poll/" + id).body()).isEqualTo(MAPPER.readTree("""
                {"ready": true, "successful": false, "value": "The task was cancelled", "state": "cancelled",
                 "progress": null}"""));
    }

    @Test
    void runAcceptsMultipartForms() throws Exception {
        String boundary = "chimpboundary";
        StringBuilder body = new StringBuilder();
        Map.of("datasets", "{\"train\": \"faces@1\"}", "seed", "7").forEach((k, v) -> body.append("--").append(boundary)
                .append("\r\nContent-Disposition: form-data; name=\"").append(k).append("\"\r\n\r\n").append(v).append("\r\n"));
        body.append("--").append(boundary).append("--\r\n");
        Response run = send(HttpRequest.newBuilder(uri("/tasks/run/image-classifier"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
        assertThat(run.status()).isEqualTo(200);
        assertThat(queue.submitted.get(0).payload().get("arguments").get("seed").asInt()).isEqualTo(7);
        assertThat(queue.submitted.get(0).payload().get("datasets").get("train").asText()).isEqualTo("faces@1");
    }

    @Test
    void badRequestsAre4xxInTheErrorShape() throws Exception {
        Response badEpochs = post("/tasks/run/image-classifier", Map.of("datasets", "{\"train\": \"faces\"}", "epochs", "abc"));
        assertThat(badEpochs.status()).isEqualTo(400);
        assertThat(badEpochs.body().get("status-code").asInt()).isEqualTo(400);
        assertThat(badEpochs.body().get("message").asText()).contains("'epochs'");
        assertThat(post("/tasks/run/image-classifier", Map.of("datasets", "{\"test\": \"faces\"}")).status()).isEqualTo(400);
        assertThat(post("/tasks/run/nope", Map.of("datasets", "{}")).status()).isEqualTo(404);
        Response badName = post("/tasks/run/image-classifier", Map.of("datasets", "{\"train\": \"faces\"}",
                "model_name", "../../etc"));
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.body().get("message").asText()).contains("'model_name'", "Invalid model name");
        Response longName = post("/tasks/run/image-classifier", Map.of("datasets", "{\"train\": \"faces\"}",
                "experiment_name", "e".repeat(100_000)));
        assertThat(longName.status()).isEqualTo(400);
        assertThat(longName.body().get("message").asText()).contains("'experiment_name'").hasSizeLessThan(1000);
        Response unknown = get("/tasks/poll/no-such-task");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("message").asText()).contains("no-such-task");
        assertThat(queue.submitted).isEmpty();
    }

    private void replace(String id, JobState state, Progress progress, JsonNode result, String error) {
        Job j = queue.jobs.get(id);
        queue.jobs.put(id, new Job(j.spec(), new JobStatus(state, 1, progress, Instant.now(), null, false, null),
                new JobOutcome(result, error, state.isFinal() ? Instant.now() : null, false, null)));
    }

    record Response(int status, JsonNode body) {
    }

    private Response get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    private Response post(String path, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private Response send(HttpRequest request) throws Exception {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), MAPPER.readTree(r.body()));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + app.port() + path);
    }
}
