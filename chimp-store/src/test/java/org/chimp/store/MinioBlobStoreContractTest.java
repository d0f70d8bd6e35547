package org.chimp.store;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.chimp.db.TestPorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIf;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The blob store contract against MinIO's own server, when a {@code minio} binary is on the PATH (Debian has no
 * package of it: CI installs none, so this runs where a developer has one).
 */
@EnabledIf("minioInstalled")
@Tag("slow")
class MinioBlobStoreContractTest extends BlobStoreContract {
    private static final String USER = "chimp-minio";
    private static final String PASSWORD = "chimp-minio-secret";
    private static Path dir;
    private static Process minio;
    private static S3Options options;
    private S3BlobStore store;

    static boolean minioInstalled() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, "minio"))) {
                return true;
            }
        }
        return false;
    }

    @BeforeAll
    static void startMinio() throws Exception {
        dir = Files.createTempDirectory("chimp-minio");
        int[] ports = TestPorts.free(2);
        int port = ports[0];
        ProcessBuilder pb = new ProcessBuilder("minio", "server", dir.resolve("data").toString(),
                "--address", "127.0.0.1:" + port, "--console-address", "127.0.0.1:" + ports[1])
                .redirectErrorStream(true).redirectOutput(dir.resolve("minio.log").toFile());
        pb.environment().put("MINIO_ROOT_USER", USER);
        pb.environment().put("MINIO_ROOT_PASSWORD", PASSWORD);
        minio = pb.start();
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        HttpClient http = HttpClient.newHttpClient();
        // A dead process fails at once; a refused connection only means "not listening yet". The ceiling is for a
        // loaded machine, where starting a process takes many times its usual second or two.
        Awaitility.await().alias("MinIO started; see " + dir.resolve("minio.log")).atMost(Duration.ofSeconds(60))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100)).ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    if (!minio.isAlive()) {
                        throw new IllegalStateException("MinIO did not start; see " + dir.resolve("minio.log"));
                    }
                    return http.send(HttpRequest.newBuilder(endpoint.resolve("/minio/health/live")).timeout(Duration.ofSeconds(1)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                });
        options = new S3Options(endpoint, "us-east-1", true, S3Options.MIN_PART_SIZE, 3);
        try (S3Client c = client()) {
            c.createBucket(r -> r.bucket("contract"));
        }
    }

    private static S3Client client() {
        return S3BlobStore.client(options, StaticCredentialsProvider.create(AwsBasicCredentials.create(USER, PASSWORD)));
    }

    @AfterAll
    static void stopMinio() throws Exception {
        if (minio != null) {
            minio.destroy();
            minio.waitFor();
        }
        ScratchSpace.deleteTree(dir);
    }

    @Override
    BlobStore store() {
        store = new S3BlobStore(client(), "contract", "chimp/" + UUID.randomUUID() + "/", S3Options.MIN_PART_SIZE);
        return store;
    }

    @AfterEach
    void closeClient() {
        if (store != null) {
            store.close();
        }
    }
}
