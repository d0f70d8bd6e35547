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
import java.util.stream.Stream;
import org.chimp.db.TestDatabases;
import org.chimp.server.ApiClient.Reply;
import org.chimp.server.node.ChimpNode;
import org.chimp.server.node.ModelSettings;
import org.chimp.server.node.NodeSettings;
import org.chimp.server.node.Role;
import org.chimp.server.node.WorkerSettings;
import org.chimp.store.S3Options;
import org.chimp.store.S3TestServer;
import org.chimp.training.sample.SyntheticFaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A server and a worker on separate data directories that share PostgreSQL, a broker and an S3 bucket, nothing
 * else: a dataset uploaded to the server is trained on by the worker (fetched from S3 into the worker's cache), and
 * the model the worker stored in S3 is served by the server. Credentials come from the AWS SDK's chain (here its
 * system properties).
 */
class S3DeploymentTest {
    private static final String TOKEN = "s3-deployment-token-0123456789";

    @TempDir
    Path dir;

    @Test
    void aServerAndAWorkerShareDatasetsAndModelsThroughS3Alone() throws Exception {
        String broker = BrokerUrls.forKind("redis");
        System.setProperty("aws.accessKeyId", S3TestServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3TestServer.SECRET_KEY);
        try (S3TestServer s3 = S3TestServer.start(dir.resolve("s3")); HikariDataSource db = TestDatabases.postgres()) {
            try (S3Client c = s3.client()) {
                c.createBucket(r -> r.bucket("chimp"));
            }
            S3Options options = S3Options.of(s3.endpoint().toString(), "us-east-1", "true");
            NodeSettings server = new NodeSettings(dir.resolve("server"), db.getJdbcUrl(), broker, "s3://chimp/deployment", TOKEN,
                    NodeSettings.defaultHttpLimits(), options, 1 << 30, ModelSettings.defaults());
            NodeSettings worker = new NodeSettings(dir.resolve("worker"), db.getJdbcUrl(), broker, "s3://chimp/deployment", TOKEN,
                    NodeSettings.defaultHttpLimits(), options, 1 << 30, ModelSettings.defaults());
            try (ChimpNode api = ChimpNode.start(server, Map.of(0, Set.of(Role.TRAINING, Role.TRACKING, Role.SERVING)), null);
                 ChimpNode trainer = ChimpNode.start(worker, Map.of(), new WorkerSettings(List.of("training"), 1))) {
                ApiClient client = new ApiClient(api.port(Role.TRAINING), TOKEN);
                Path zip = dir.resolve("faces.zip");
                SyntheticFaces.writeZip(zip, 20, 2, 5);
                assertThat(client.postFile("/datasets", zip, Map.of("dataset_name", "faces")).status()).isEqualTo(200);

                Reply r = client.postForm("/tasks/run/image-classifier", Map.of("datasets", "{\"train\": \"faces\"}",
                        "epochs", "3", "model_name", "shared"));
                assertThat(r.status()).as(r.text()).isEqualTo(200);
                JsonNode done = Tasks.await(client, r.json().get("task_id").asText(), p -> p.get("ready").asBoolean(), Duration.ofMinutes(2));
                assertThat(done.get("successful").asBoolean()).as(done.toString()).isTrue();
                Reply promoted = client.postJson("/api/2.0/mlflow/model-versions/transition-stage", Map.of("name", "shared",
                        "version", "1", "stage", "Production", "archive_existing_versions", true));
                assertThat(promoted.status()).as(promoted.text()).isEqualTo(200);

                String image = Base64.getEncoder().encodeToString(firstImage(zip));
                Reply inferred = client.postJson("/model/shared/infer", Map.of("inputs", image));
                assertThat(inferred.status()).as(inferred.text()).isEqualTo(200);
                assertThat(inferred.json().at("/metadata/version").asInt()).isEqualTo(1);

                // The worker fetched the dataset into its own cache; the server fetched the model into its own.
                assertThat(files(dir.resolve("worker/cache/datasets"))).anyMatch(f -> f.endsWith(".complete"));
                assertThat(files(dir.resolve("server/cache/artifacts"))).isNotEmpty();
                assertThat(dir.resolve("server/store")).doesNotExist();
                assertThat(dir.resolve("worker/store")).doesNotExist();

                Reply lineage = client.get("/api/2.0/chimp/lineage?name=shared&version=1");
                assertThat(lineage.status()).as(lineage.text()).isEqualTo(200);
                assertThat(lineage.json().at("/datasets/train/ref").asText()).isEqualTo("faces@1");
                assertThat(client.get("/api/2.0/chimp/lineage?name=shared&version=x").status()).isEqualTo(400);
                assertThat(client.get("/api/2.0/chimp/lineage?name=shared&version=9").status()).isEqualTo(404);
                assertThat(client.get("/api/2.0/chimp/lineage?name=../x&version=1").status()).isEqualTo(400);
            }
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    private static List<String> files(Path root) throws Exception {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(Path::toString).toList();
        }
    }

    private static byte[] firstImage(Path zip) throws Exception {
        try (var fs = java.nio.file.FileSystems.newFileSystem(zip); var files = Files.walk(fs.getPath("/test"))) {
            return Files.readAllBytes(files.filter(Files::isRegularFile).sorted().findFirst().orElseThrow());
        }
    }
}
