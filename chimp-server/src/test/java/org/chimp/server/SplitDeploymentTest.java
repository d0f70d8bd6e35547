package org.chimp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.chimp.db.TestDatabases;
import org.chimp.server.ApiClient.Reply;
import org.chimp.server.node.ChimpNode;
import org.chimp.server.node.NodeSettings;
import org.chimp.server.node.Role;
import org.chimp.server.node.WorkerSettings;
import org.chimp.training.sample.SyntheticFaces;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Roles in separate nodes sharing PostgreSQL, a store and a broker: training and tracking (with a worker) in one,
 * serving in the other. A promotion made through the tracking node reaches the serving node over the broker's
 * event bus, which then answers with the new version without polling or a restart.
 */
class SplitDeploymentTest {
    private static final String TOKEN = "split-deployment-token-0123456789";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"redis", "amqp"})
    void aPromotionReachesServingInAnotherNode(String kind) throws Exception {
        String broker = BrokerUrls.forKind(kind);
        try (HikariDataSource db = TestDatabases.postgres()) {
            Path store = dir.resolve("store");
            NodeSettings a = new NodeSettings(dir.resolve("a"), db.getJdbcUrl(), broker, store.toString(), TOKEN);
            NodeSettings b = new NodeSettings(dir.resolve("b"), db.getJdbcUrl(), broker, store.toString(), TOKEN);
            try (ChimpNode trainer = ChimpNode.start(a, Map.of(0, Set.of(Role.TRAINING, Role.TRACKING)),
                         new WorkerSettings(List.of("training"), 1));
                 ChimpNode serving = ChimpNode.start(b, Map.of(0, Set.of(Role.SERVING)), null)) {
                ApiClient train = new ApiClient(trainer.port(Role.TRAINING), TOKEN);
                ApiClient serve = new ApiClient(serving.port(Role.SERVING), TOKEN);

                Path zip = dir.resolve("faces.zip");
                SyntheticFaces.writeZip(zip, 20, 2, 5);
                assertThat(train.postFile("/datasets", zip, Map.of("dataset_name", "faces")).status()).isEqualTo(200);
                String image = Base64.getEncoder().encodeToString(Files.readAllBytes(firstTestImage(zip)));

                promote(train, trainOnce(train));
                assertThat(servedVersion(serve, image, 1)).isEqualTo(1);
                promote(train, trainOnce(train));
                assertThat(servedVersion(serve, image, 2)).as("serving node heard the promotion").isEqualTo(2);
            }
        }
    }

    private static int trainOnce(ApiClient api) throws Exception {
        Reply r = api.postForm("/tasks/run/image-classifier", Map.of("datasets", "{\"train\": \"faces\"}",
                "epochs", "3", "model_name", "split"));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        JsonNode done = Tasks.await(api, r.json().get("task_id").asText(), p -> p.get("ready").asBoolean(),
                Duration.ofMinutes(2));
        assertThat(done.get("successful").asBoolean()).as(done.toString()).isTrue();
        return done.at("/value/model_version").asInt();
    }

    private static void promote(ApiClient api, int version) throws Exception {
        Reply r = api.postJson("/api/2.0/mlflow/model-versions/transition-stage", Map.of("name", "split",
                "version", String.valueOf(version), "stage", "Production", "archive_existing_versions", true));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    /**
     * The version serving answers with once it is the expected one (within 60 s, else the test fails): the change
     * travels between processes and the version loads in the background, both slow on a loaded machine.
     */
    private static int servedVersion(ApiClient api, String image, int expected) {
        return Awaitility.await().alias("serving answers with version " + expected).atMost(Duration.ofSeconds(60))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    Reply r = api.postJson("/model/split/infer", Map.of("inputs", image));
                    assertThat(r.status()).as(r.text()).isEqualTo(200);
                    return r.json().at("/metadata/version").asInt();
                }, seen -> seen == expected);
    }

    private static Path firstTestImage(Path zip) throws Exception {
        Path out = Files.createTempFile("face", ".png");
        try (var fs = java.nio.file.FileSystems.newFileSystem(zip);
             var files = Files.walk(fs.getPath("/test"))) {
            Files.copy(files.filter(Files::isRegularFile).sorted().findFirst().orElseThrow(), out,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return out;
    }
}
