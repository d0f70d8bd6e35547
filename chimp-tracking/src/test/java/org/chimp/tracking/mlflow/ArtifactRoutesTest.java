package org.chimp.tracking.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.TestDatabases;
import org.chimp.http.Json;
import org.chimp.tracking.ActiveRun;
import org.chimp.tracking.client.TrackingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactRoutesTest {
    private static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";
    private static final long LIMIT = 4L << 20;

    @TempDir
    Path tmp;
    private HikariDataSource ds;
    private TrackingServer server;
    private ActiveRun run;

    @BeforeEach
    void start() {
        ds = TestDatabases.h2();
        server = TrackingServer.start(ds, tmp, LIMIT);
        run = server.tracking.startRun(server.tracking.getOrCreateExperiment("artifacts"), "r", Map.of());
    }

    @AfterEach
    void stop() {
        server.close();
        ds.close();
    }

    private String root() {
        return ARTIFACTS + "/" + run.experimentId() + "/" + run.id() + "/artifacts";
    }

    private HttpResponse<byte[]> put(String path, byte[] content) throws Exception {
        return server.send(path, HttpRequest.newBuilder().PUT(HttpRequest.BodyPublishers.ofByteArray(content)));
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return server.send(path, HttpRequest.newBuilder().GET());
    }

    private JsonNode list(String path) throws Exception {
        HttpResponse<byte[]> r = get(ARTIFACTS + "?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    private static void assertError(HttpResponse<byte[]> r, int status, String code) throws Exception {
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(r.statusCode()).as(body.toString()).isEqualTo(status);
        assertThat(body.get("error_code").asText()).isEqualTo(code);
        assertThat(body.get("message").asText()).isNotBlank();
    }

    @Test
    void uploadedArtifactsAreTheRunsArtifactsAndViceVersa() throws Exception {
        HttpResponse<byte[]> put = put(root() + "/model/weights%20v1.bin", "weights".getBytes(StandardCharsets.UTF_8));
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(put.body()).isEmpty()).isTrue();
        try (InputStream in = server.tracking.openArtifact(run.id(), "model/weights v1.bin")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("weights");
        }

        run.logArtifact("notes.txt", "logged by training".getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> get = get(root() + "/notes.txt");
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/octet-stream"));
        assertThat(new String(get.body(), StandardCharsets.UTF_8)).isEqualTo("logged by training");

        String runRoot = run.experimentId() + "/" + run.id() + "/artifacts";
        assertThat(list(runRoot).get("files").toString()).isEqualTo(
                "[{\"path\":\"model\",\"is_dir\":true},{\"path\":\"notes.txt\",\"is_dir\":false,\"file_size\":18}]");
        assertThat(list(runRoot + "/model").get("files").toString()).isEqualTo(
                "[{\"path\":\"weights v1.bin\",\"is_dir\":false,\"file_size\":7}]");
        assertThat(list(runRoot + "/nothing-here").get("files")).isEmpty();
    }

    @Test
    void uploadsAreStreamedPastTheInMemoryRequestLimit() throws Exception {
        byte[] big = new byte[3 << 20];
        Arrays.fill(big, (byte) 7);
        // Chunked, without a Content-Length, as a streaming client sends it.
        HttpResponse<byte[]> r = server.send(root() + "/big.bin",
                HttpRequest.newBuilder().PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(get(root() + "/big.bin").body()).isEqualTo(big);
    }

    @Test
    void oversizedUploadsAre413AndStoreNothing() throws Exception {
        byte[] tooBig = new byte[(int) LIMIT + 1];
        assertError(put(root() + "/declared.bin", tooBig), 413, "INVALID_PARAMETER_VALUE");
        HttpResponse<byte[]> chunked = server.send(root() + "/streamed.bin",
                HttpRequest.newBuilder().PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(tooBig))));
        assertError(chunked, 413, "INVALID_PARAMETER_VALUE");
        assertThat(server.tracking.listArtifacts(run.id())).isEmpty();
    }

    @Test
    void unsafePathsAre400WithMlflowsErrorShape() throws Exception {
        String runRoot = run.experimentId() + "/" + run.id() + "/artifacts";
        for (String bad : new String[] {runRoot + "/../x", "/" + runRoot, runRoot + "/a\\b", runRoot + "//a", runRoot + "/./a",
                "C:/" + runRoot, "sha256"}) {
            HttpResponse<byte[]> r = get(ARTIFACTS + "?path=" + URLEncoder.encode(bad, StandardCharsets.UTF_8));
            assertError(r, 400, "INVALID_PARAMETER_VALUE");
        }
        assertError(get(ARTIFACTS), 400, "INVALID_PARAMETER_VALUE");
        assertError(put(root() + "/a%5Cb.txt", new byte[1]), 400, "INVALID_PARAMETER_VALUE");
        assertError(put(root() + "/..%2F..%2Fescape.txt", new byte[1]), 400, "INVALID_PARAMETER_VALUE");
        // The run's artifact root itself is a directory, not a file to write.
        assertError(put(root(), new byte[1]), 400, "INVALID_PARAMETER_VALUE");
        assertThat(server.tracking.listArtifacts(run.id())).isEmpty();
    }

    @Test
    void unknownRunsAndFilesAre404() throws Exception {
        assertError(get(root() + "/missing.txt"), 404, "RESOURCE_DOES_NOT_EXIST");
        assertError(get(ARTIFACTS + "/" + run.experimentId() + "/0123456789abcdef0123456789abcdef/artifacts/x"), 404, "RESOURCE_DOES_NOT_EXIST");
        // A real run under another experiment id must not open another key space.
        assertError(put(ARTIFACTS + "/0/" + run.id() + "/artifacts/x", new byte[1]), 404, "RESOURCE_DOES_NOT_EXIST");
        assertThat(server.blobs.list("artifacts/0/")).isEmpty();
    }

    @Test
    void deleteRemovesAFileOrADirectory() throws Exception {
        run.logArtifact("a/one.txt", new byte[1]);
        run.logArtifact("a/b/two.txt", new byte[2]);
        run.logArtifact("keep.txt", new byte[3]);
        assertThat(server.send(root() + "/a", HttpRequest.newBuilder().DELETE()).statusCode()).isEqualTo(200);
        assertThat(server.tracking.listArtifacts(run.id())).containsExactly("keep.txt");
        assertThat(server.send(root() + "/keep.txt", HttpRequest.newBuilder().DELETE()).statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> server.tracking.openArtifact(run.id(), "keep.txt"))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void everyCallNeedsTheToken() throws Exception {
        HttpResponse<byte[]> r = server.send(root() + "/x.txt", HttpRequest.newBuilder().PUT(HttpRequest.BodyPublishers.ofString("x")), false);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(server.tracking.listArtifacts(run.id())).isEmpty();
    }
}
