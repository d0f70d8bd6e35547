package org.chimp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import org.chimp.server.ApiClient.Reply;
import org.chimp.training.sample.SyntheticFaces;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real {@code chimp standalone} process with SIGKILL and starts it again on the same data directory: a
 * queued or running training task is not lost, it runs again and succeeds.
 */
class CrashRecoveryTest {
    private static final String TOKEN = "crash-test-token-0123456789";

    @TempDir
    Path dir;
    private Process process;

    @AfterEach
    void kill() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    @Test
    void queuedTaskSurvivesAKilledProcess() throws Exception {
        int port = freePort();
        ApiClient api = new ApiClient(port, TOKEN);
        process = start(port, false);
        String task = submit(api, 5);
        assertThat(poll(api, task).get("state").asText()).isEqualToIgnoringCase("queued");
        process.destroyForcibly().waitFor();

        process = start(port, true);
        JsonNode done = await(api, task, p -> p.get("ready").asBoolean(), Duration.ofMinutes(2));
        assertThat(done.get("successful").asBoolean()).as(done.toString()).isTrue();
    }

    @Test
    void runningTaskRunsAgainAfterAKilledProcess() throws Exception {
        int port = freePort();
        ApiClient api = new ApiClient(port, TOKEN);
        process = start(port, true);
        String task = submit(api, 400);
        await(api, task, p -> p.get("state").asText().equalsIgnoreCase("running"), Duration.ofMinutes(1));
        process.destroyForcibly().waitFor();

        process = start(port, true);
        // The dead worker's delivery becomes visible again after the broker's visibility timeout (30 s).
        JsonNode done = await(api, task, p -> p.get("ready").asBoolean(), Duration.ofMinutes(3));
        assertThat(done.get("successful").asBoolean()).as(done.toString()).isTrue();
        Reply job = api.get("/jobs/" + task);
        assertThat(job.json().get("attempts").asInt()).as(job.text()).isEqualTo(2);
    }

    private String submit(ApiClient api, int epochs) throws Exception {
        Path zip = dir.resolve("faces.zip");
        if (!zip.toFile().exists()) {
            SyntheticFaces.writeZip(zip, 40, 5, 3);
            assertThat(api.postFile("/datasets", zip, Map.of("dataset_name", "faces")).status()).isEqualTo(200);
        }
        Reply r = api.postForm("/tasks/run/image-classifier", Map.of("datasets", "{\"train\": \"faces\"}",
                "epochs", String.valueOf(epochs)));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().get("task_id").asText();
    }

    private Process start(int port, boolean worker) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "org.chimp.server.Main", "standalone", "--port", String.valueOf(port),
                "--data-dir", dir.resolve("data").toString(), worker ? "--worker" : "--no-worker");
        pb.environment().put("CHIMP_ADMIN_TOKEN", TOKEN);
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
        Process p = pb.start();
        ApiClient anonymous = new ApiClient(port, TOKEN);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            try {
                if (anonymous.getWithoutToken("/ping").status() == 200) {
                    return p;
                }
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
            assertThat(p.isAlive()).as("server process alive; see " + dir.resolve("server.log")).isTrue();
        }
        throw new AssertionError("server did not start within 60 s");
    }

    private static JsonNode poll(ApiClient api, String task) throws Exception {
        Reply r = api.get("/tasks/poll/" + task);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    private static JsonNode await(ApiClient api, String task, Predicate<JsonNode> until, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode p = poll(api, task);
        while (!until.test(p) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            p = poll(api, task);
        }
        assertThat(until.test(p)).as("condition reached in time: " + p).isTrue();
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

}
