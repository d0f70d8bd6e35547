package org.chimp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.chimp.server.ApiClient.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real {@code chimp standalone} process with SIGKILL and starts it again on the same data directory: a
 * queued or running training task is not lost, it runs again and succeeds.
 */
@Tag("slow")
class CrashRecoveryTest {
    private static final String TOKEN = "crash-test-token-0123456789";

    @TempDir
    Path dir;
    private ChimpProcess process;

    @AfterEach
    void kill() throws InterruptedException {
        if (process != null) {
            process.kill();
        }
    }

    @Test
    void queuedTaskSurvivesAKilledProcess() throws Exception {
        int port = ChimpProcess.freePort();
        ApiClient api = new ApiClient(port, TOKEN);
        process = start(port, false);
        String task = Tasks.submit(api, dir, 5);
        assertThat(Tasks.poll(api, task).get("state").asText()).isEqualToIgnoringCase("queued");
        process.kill();

        restartAndAwaitSuccess(api, port, task);
    }

    @Test
    void runningTaskRunsAgainAfterAKilledProcess() throws Exception {
        int port = ChimpProcess.freePort();
        ApiClient api = new ApiClient(port, TOKEN);
        String task = runningTask(api, port);
        process.kill();

        // The dead worker's delivery becomes visible again after the broker's visibility timeout (30 s).
        Reply job = restartAndAwaitSuccess(api, port, task);
        assertThat(job.json().get("attempts").asInt()).as(job.text()).isEqualTo(2);
    }

    @Test
    void aStoppedStandaloneHandsItsRunningTaskBackBeforeItsDatabaseCloses() throws Exception {
        int port = ChimpProcess.freePort();
        ApiClient api = new ApiClient(port, TOKEN);
        String task = runningTask(api, port);
        assertThat(process.terminate()).as("standalone exits on SIGTERM").isTrue();
        // H2 closing itself at exit took the database away from the graceful shutdown that needs it.
        assertThat(Files.readString(dir.resolve("server.log"))).doesNotContain("Database is already closed");

        Reply job = restartAndAwaitSuccess(api, port, task);
        assertThat(job.json().get("attempts").asInt()).as("handed back on SIGTERM, not taken over: " + job.text())
                .isEqualTo(1);
    }

    /** Starts a standalone with a worker and a long training task, and returns the task once it runs. */
    private String runningTask(ApiClient api, int port) throws Exception {
        process = start(port, true);
        String task = Tasks.submit(api, dir, 400);
        Tasks.await(api, task, p -> p.get("state").asText().equalsIgnoreCase("running"), Duration.ofMinutes(1));
        return task;
    }

    /** Starts the standalone again on the same data directory and waits for the task to succeed; its job. */
    private Reply restartAndAwaitSuccess(ApiClient api, int port, String task) throws Exception {
        process = start(port, true);
        JsonNode done = Tasks.await(api, task, p -> p.get("ready").asBoolean(), Duration.ofMinutes(3));
        assertThat(done.get("successful").asBoolean()).as(done.toString()).isTrue();
        return api.get("/jobs/" + task);
    }

    private ChimpProcess start(int port, boolean worker) throws Exception {
        return ChimpProcess.start(dir.resolve("server.log"), Map.of("CHIMP_ADMIN_TOKEN", TOKEN), "standalone",
                "--port", String.valueOf(port), "--data-dir", dir.resolve("data").toString(),
                worker ? "--worker" : "--no-worker").awaitHttp(port);
    }
}
