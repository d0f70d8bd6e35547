package org.chimp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** What only the S3 backend does: check stored hashes on read, check ETags, retry throttling. */
class S3BlobStoreTest {
    private static Path dir;
    private static S3TestServer server;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startServer() throws Exception {
        dir = Files.createTempDirectory("chimp-s3proxy");
        server = S3TestServer.start(dir);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
        ScratchSpace.deleteTree(dir);
    }

    @Test
    void anObjectWhoseBytesNoLongerMatchItsStoredHashFailsAtTheEndOfTheRead() throws Exception {
        try (S3BlobStore store = server.store("corrupt", "p/"); S3Client raw = server.client()) {
            store.put("good", new ByteArrayInputStream("intact".getBytes(StandardCharsets.UTF_8)));
            String claimed = Sha256.hex("original".getBytes(StandardCharsets.UTF_8));
            // What bit rot or a tool writing behind CHIMP's back looks like: the bytes changed, the recorded hash did not.
            raw.putObject(r -> r.bucket("corrupt").key("p/bad").metadata(Map.of(S3BlobStore.SHA256_META, claimed)),
                    RequestBody.fromString("tampered"));
            try (InputStream in = store.get("good")) {
                assertThat(in.readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("intact");
            }
            try (InputStream in = store.get("bad")) {
                assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("sha256:" + claimed);
            }
            // An artifact whose blob rotted is refused, not handed to a model loader.
            raw.putObject(r -> r.bucket("corrupt").key("p/artifacts/sha256/" + claimed).metadata(Map.of(S3BlobStore.SHA256_META, claimed)),
                    RequestBody.fromString("tampered"));
            ArtifactStore artifacts = new ArtifactStore(store, tmp.resolve("cache"));
            assertThatThrownBy(() -> artifacts.resolve("sha256:" + claimed)).isInstanceOf(RuntimeException.class);
            assertThat(tmp.resolve("cache").resolve(claimed)).doesNotExist();
        }
    }

    @Test
    void objectsWrittenByOtherToolsAreReadWithoutAHash() throws Exception {
        try (S3BlobStore store = server.store("foreign", ""); S3Client raw = server.client()) {
            raw.putObject(r -> r.bucket("foreign").key("from/aws-cli.txt"), RequestBody.fromString("hello"));
            try (InputStream in = store.get("from/aws-cli.txt")) {
                assertThat(in.readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("hello");
            }
        }
    }

    @Test
    void throttlingIsRetriedAndAWrongEtagIsAnError() throws Exception {
        byte[] body = "weights".getBytes(StandardCharsets.UTF_8);
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
        try (FakeS3 fake = new FakeS3(2, md5)) {
            try (S3BlobStore store = fake.store(3)) {
                store.put("k", new ByteArrayInputStream(body));
            }
            assertThat(fake.requests.get()).isEqualTo(3);
        }
        try (FakeS3 fake = new FakeS3(2, md5)) {
            try (S3BlobStore store = fake.store(2)) {
                assertThatThrownBy(() -> store.put("k", new ByteArrayInputStream(body))).isInstanceOf(IOException.class)
                        .hasMessageContaining("SlowDown");
            }
            assertThat(fake.requests.get()).isEqualTo(2);
        }
        try (FakeS3 fake = new FakeS3(0, "0123456789abcdef0123456789abcdef"); S3BlobStore store = fake.store(3)) {
            assertThatThrownBy(() -> store.put("k", new ByteArrayInputStream(body))).isInstanceOf(IOException.class)
                    .hasMessageContaining("stored different bytes");
        }
    }

    @Test
    void aReadCutOffMidObjectResumesWhereItBroke() throws Exception {
        byte[] body = BlobStoreContract.random(200_000, 9);
        String sha = Sha256.hex(body);
        AtomicInteger gets = new AtomicInteger();
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            int n = gets.incrementAndGet();
            String range = ex.getRequestHeaders().getFirst("Range");
            ex.getResponseHeaders().add("ETag", "\"e1\"");
            ex.getResponseHeaders().add("x-amz-meta-" + S3BlobStore.SHA256_META, sha);
            if (range == null) {
                // Promise the whole object, send a third of it, and drop the connection.
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body, 0, body.length / 3);
                ex.getResponseBody().flush();
                ex.close();
                return;
            }
            int from = Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
            assertThat(ex.getRequestHeaders().getFirst("If-Match")).isEqualTo("\"e1\"");
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
            ex.sendResponseHeaders(206, body.length - from);
            ex.getResponseBody().write(body, from, body.length - from);
            ex.close();
        });
        http.start();
        try {
            S3Options o = new S3Options(URI.create("http://127.0.0.1:" + http.getAddress().getPort()), "us-east-1", true,
                    S3Options.MIN_PART_SIZE, 1);
            try (S3BlobStore store = new S3BlobStore(S3BlobStore.client(o, server.credentials()), "b", "", S3Options.MIN_PART_SIZE);
                 InputStream in = store.get("k")) {
                assertThat(in.readAllBytes()).isEqualTo(body);
            }
            assertThat(gets.get()).isEqualTo(2);
        } finally {
            http.stop(0);
        }
    }

    @Test
    void readUpToStopsAtTheLimitOrTheEnd() throws IOException {
        byte[] data = BlobStoreContract.random(300_000, 7);
        assertThat(S3BlobStore.readUpTo(new ByteArrayInputStream(data), 100_000)).isEqualTo(java.util.Arrays.copyOf(data, 100_000));
        assertThat(S3BlobStore.readUpTo(new ByteArrayInputStream(data), 1 << 20)).isEqualTo(data);
        assertThat(S3BlobStore.readUpTo(new ByteArrayInputStream(new byte[0]), 1 << 20)).isEmpty();
    }

    @Test
    void aMissingBucketOrWrongKeysAreOneClearErrorAtOpen() throws Exception {
        S3Options o = server.options();
        System.setProperty("aws.accessKeyId", S3TestServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3TestServer.SECRET_KEY);
        try {
            server.store("present", "").close();
            try (S3BlobStore ok = (S3BlobStore) BlobStores.open("s3://present/p", tmp, o)) {
                assertThat(ok.list("")).isEmpty();
            }
            assertThatThrownBy(() -> BlobStores.open("s3://absent-bucket/p", tmp, o)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("does not exist");
            System.setProperty("aws.secretAccessKey", "wrong");
            assertThatThrownBy(() -> BlobStores.open("s3://present/p", tmp, o)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("s3://present/p");
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    /** An S3 endpoint that answers 503 SlowDown to the first requests, then 200 with a fixed ETag. */
    private static final class FakeS3 implements AutoCloseable {
        final AtomicInteger requests = new AtomicInteger();
        private final HttpServer http;

        FakeS3(int throttled, String etag) throws IOException {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.createContext("/", ex -> {
                ex.getRequestBody().readAllBytes();
                if (requests.incrementAndGet() <= throttled) {
                    byte[] err = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
                            + "<Message>Please reduce your request rate.</Message></Error>").getBytes(StandardCharsets.UTF_8);
                    ex.getResponseHeaders().add("Content-Type", "application/xml");
                    ex.sendResponseHeaders(503, err.length);
                    ex.getResponseBody().write(err);
                } else {
                    ex.getResponseHeaders().add("ETag", "\"" + etag + "\"");
                    ex.sendResponseHeaders(200, -1);
                }
                ex.close();
            });
            http.start();
        }

        S3BlobStore store(int attempts) {
            S3Options o = new S3Options(URI.create("http://127.0.0.1:" + http.getAddress().getPort()), "us-east-1", true,
                    S3Options.MIN_PART_SIZE, attempts);
            return new S3BlobStore(S3BlobStore.client(o, server.credentials()), "b", "", S3Options.MIN_PART_SIZE);
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }
}
