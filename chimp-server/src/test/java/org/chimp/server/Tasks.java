package org.chimp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.chimp.server.ApiClient.Reply;
import org.chimp.training.sample.SyntheticFaces;

/** Training-task steps shared by the process-level tests. */
final class Tasks {
    private Tasks() {
    }

    /** Uploads a small synthetic dataset once per directory and submits an image-classifier task on it. */
    static String submit(ApiClient api, Path dir, int epochs) throws Exception {
        Path zip = dir.resolve("faces.zip");
        if (!Files.exists(zip)) {
            SyntheticFaces.writeZip(zip, 40, 5, 3);
            Reply up = api.postFile("/datasets", zip, Map.of("dataset_name", "faces"));
            assertThat(up.status()).as(up.text()).isEqualTo(200);
        }
        Reply r = api.postForm("/tasks/run/image-classifier", Map.of("datasets", "{\"train\": \"faces\"}",
                "epochs", String.valueOf(epochs), "model_name", "faces"));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().get("task_id").asText();
    }

    static JsonNode poll(ApiClient api, String task) throws Exception {
        Reply r = api.get("/tasks/poll/" + task);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    /** Polls until the condition holds, failing with the last poll after the timeout. */
    static JsonNode await(ApiClient api, String task, Predicate<JsonNode> until, Duration timeout) {
        // On time-out the failure shows the last poll.
        return Awaitility.await().alias("condition reached in time for task " + task).atMost(timeout).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100)).until(() -> poll(api, task), until);
    }
}
