package org.chimp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.chimp.db.TestDatabases;
import org.chimp.server.ApiClient.Reply;
import org.chimp.server.node.ChimpNode;
import org.chimp.server.node.NodeSettings;
import org.chimp.server.node.Role;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A deployment split over processes, for each broker: a {@code server} (training and tracking roles, no worker)
 * and {@code chimp worker} processes sharing one PostgreSQL database and one store. The worker running a task is
 * killed with SIGKILL; a second worker completes it, exactly once: one model version is registered.
 */
@Tag("slow")
class WorkerKillTest {
    private static final String TOKEN = "worker-kill-token-0123456789";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"embedded", "redis", "amqp"})
    void aKilledWorkersTaskCompletesOnceOnAnotherWorker(String kind) throws Exception {
        String broker = BrokerUrls.forKind(kind);
        try (HikariDataSource db = TestDatabases.postgres()) {
            String jdbc = db.getJdbcUrl();
            Path store = dir.resolve("store");
            NodeSettings settings = new NodeSettings(dir.resolve("server"), jdbc, broker, store.toString(), TOKEN);
            try (ChimpNode server = ChimpNode.start(settings, Map.of(0, Set.of(Role.TRAINING, Role.TRACKING)), null)) {
                ApiClient api = new ApiClient(server.port(Role.TRAINING), TOKEN);
                String task = Tasks.submit(api, dir, 400);

                ChimpProcess first = worker(jdbc, broker, store, "w1");
                Tasks.await(api, task, p -> p.get("state").asText().equalsIgnoreCase("running"), Duration.ofMinutes(2));
                first.kill();

                try (ChimpProcess second = worker(jdbc, broker, store, "w2")) {
                    JsonNode done = Tasks.await(api, task, p -> p.get("ready").asBoolean(), Duration.ofMinutes(3));
                    assertThat(done.get("successful").asBoolean()).as(done.toString()).isTrue();
                }
                Reply job = api.get("/jobs/" + task);
                assertThat(job.json().get("attempts").asInt()).as(job.text()).isEqualTo(2);
                Reply versions = api.get("/api/2.0/mlflow/model-versions/search?filter=" + java.net.URLEncoder.encode(
                        "name='faces'", java.nio.charset.StandardCharsets.UTF_8));
                assertThat(versions.json().get("model_versions")).as("one model version: the side effect happened once")
                        .hasSize(1);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aStoppedWorkerHandsItsJobBackWithoutCountingTheAttempt() throws Exception {
        String broker = BrokerUrls.forKind("embedded");
        try (HikariDataSource db = TestDatabases.postgres()) {
            String jdbc = db.getJdbcUrl();
            Path store = dir.resolve("store");
            NodeSettings settings = new NodeSettings(dir.resolve("server"), jdbc, broker, store.toString(), TOKEN);
            try (ChimpNode server = ChimpNode.start(settings, Map.of(0, Set.of(Role.TRAINING, Role.TRACKING)), null)) {
                ApiClient api = new ApiClient(server.port(Role.TRAINING), TOKEN);
                String task = Tasks.submit(api, dir, 500);
                ChimpProcess first = worker(jdbc, broker, store, "w1", "--grace-seconds", "0");
                Tasks.await(api, task, p -> p.get("state").asText().equalsIgnoreCase("running"), Duration.ofMinutes(2));
                assertThat(first.terminate()).as("worker exits on SIGTERM").isTrue();
                JsonNode handedBack = Tasks.poll(api, task);
                assertThat(handedBack.get("state").asText()).isEqualToIgnoringCase("queued");
                assertThat(api.get("/jobs/" + task).json().get("attempts").asInt()).isZero();

                try (ChimpProcess second = worker(jdbc, broker, store, "w2")) {
                    JsonNode done = Tasks.await(api, task, p -> p.get("ready").asBoolean(), Duration.ofMinutes(3));
                    assertThat(done.get("successful").asBoolean()).as(done.toString()).isTrue();
                }
                assertThat(api.get("/jobs/" + task).json().get("attempts").asInt()).isEqualTo(1);
            }
        }
    }

    private ChimpProcess worker(String jdbc, String broker, Path store, String name, String... extra) throws Exception {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("worker", "--db", jdbc,
                "--broker", broker, "--store", store.toString(), "--data-dir", dir.resolve(name).toString(),
                "--queues", "training"));
        args.addAll(java.util.List.of(extra));
        ChimpProcess p = ChimpProcess.start(dir.resolve(name + ".log"), Map.of(), args.toArray(String[]::new));
        assertThat(p.isAlive()).isTrue();
        return p;
    }
}
