package org.chimp.store.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chimp.db.TestDatabases;
import org.chimp.http.HttpErrors;
import org.chimp.http.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.chimp.store.DatasetStore;
import org.chimp.store.DatasetVersion;
import org.chimp.store.FileBlobStore;
import org.chimp.store.ManifestEntry;
import org.chimp.store.TestZips;
import org.chimp.store.UploadLimits;

class DatasetRoutesTest {
    private static final String BOUNDARY = "chimp-test-boundary-1234";
    private final HttpClient http = HttpClient.newHttpClient();
    @TempDir
    Path dir;
    private HikariDataSource ds;
    private Javalin app;
    private DatasetStore store;

    @BeforeEach
    void start() {
        ds = TestDatabases.h2();
        store = new DatasetStore(ds, new FileBlobStore(dir.resolve("blobs")), UploadLimits.defaults(), dir.resolve("work"));
        app = Javalin.create(c -> c.showJavalinBanner = false);
        HttpErrors.install(app);
        new DatasetRoutes(store, ctx -> ctx.header("X-Test-User")).addTo(app);
        app.start(0);
    }

    @AfterEach
    void stop() {
        app.stop();
        ds.close();
    }

    /** A multipart body with the given form fields and, if not null, the zips as parts 'file'. */
    private static byte[] multipart(Map<String, String> fields, byte[]... zips) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fields.forEach((k, v) -> out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n"
                + v + "\r\n").getBytes(StandardCharsets.UTF_8)));
        for (byte[] zip : zips) {
            if (zip == null) {
                continue;
            }
            out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"faces.zip\"\r\n"
                    + "Content-Type: application/zip\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(zip);
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private HttpResponse<String> post(String name, byte[]... zips) throws Exception {
        Map<String, String> fields = new LinkedHashMap<>();
        if (name != null) {
            fields.put("dataset_name", name);
        }
        return post(multipart(fields, zips));
    }

    private HttpResponse<String> post(byte[] body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(uri("/datasets"))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + app.port() + path);
    }

    @Test
    void uploadThenListAndShowVersions() throws Exception {
        HttpResponse<String> created = post("faces", TestZips.faces().bytes());
        assertThat(created.statusCode()).isEqualTo(200);
        JsonNode v = Json.MAPPER.readTree(created.body());
        assertThat(v.get("name").asText()).isEqualTo("faces");
        assertThat(v.get("version").asInt()).isEqualTo(1);
        assertThat(v.get("ref").asText()).isEqualTo("faces@1");
        assertThat(v.get("content_hash").asText()).matches("[0-9a-f]{64}");
        assertThat(v.get("files").asLong()).isEqualTo(4);
        assertThat(v.get("bytes").asLong()).isPositive();
        assertThat(v.at("/splits/train/happy").asInt()).isEqualTo(2);
        assertThat(v.at("/splits/test/happy").asInt()).isEqualTo(1);
        assertThat(v.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

        assertThat(post("faces", TestZips.faces().bytes()).statusCode()).isEqualTo(200);
        JsonNode list = Json.MAPPER.readTree(get("/datasets").body());
        assertThat(list.get("datasets")).hasSize(1);
        assertThat(list.at("/datasets/0/ref").asText()).isEqualTo("faces@2");

        JsonNode versions = Json.MAPPER.readTree(get("/datasets/faces").body());
        assertThat(versions.get("name").asText()).isEqualTo("faces");
        assertThat(versions.at("/versions/0/version").asInt()).isEqualTo(1);
        assertThat(versions.at("/versions/1/version").asInt()).isEqualTo(2);
    }

    @Test
    void missingPartsAndBadZipsAre400sThatSayWhy() throws Exception {
        HttpResponse<String> noFile = post("faces", (byte[]) null);
        assertThat(noFile.statusCode()).isEqualTo(400);
        assertThat(noFile.body()).contains("'file'").doesNotContain("dataset_name");
        HttpResponse<String> noName = post(null, TestZips.faces().bytes());
        assertThat(noName.statusCode()).isEqualTo(400);
        assertThat(noName.body()).contains("'dataset_name'").doesNotContain("'file'");
        HttpResponse<String> notZip = post("faces", "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(notZip.statusCode()).isEqualTo(400);
        assertThat(notZip.body()).contains("not a zip file", "\"status-code\":400");
        HttpResponse<String> notMultipart = http.send(HttpRequest.newBuilder(uri("/datasets"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(notMultipart.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(get("/datasets").body()).get("datasets")).isEmpty();
    }

    @Test
    void unknownDatasetIs404() throws Exception {
        HttpResponse<String> r = get("/datasets/nope");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("nope", "POST /datasets");
    }

    @Test
    void twoFilePartsOrNamesAreRefusedInsteadOfSilentlyUsingTheFirst() throws Exception {
        HttpResponse<String> twoFiles = post("faces", TestZips.faces().bytes(), new TestZips().image("train/x/a.png", 1).bytes());
        assertThat(twoFiles.statusCode()).isEqualTo(400);
        assertThat(twoFiles.body()).contains("send one file");
        byte[] twoNames = multipart(Map.of(), TestZips.faces().bytes());
        String field = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"dataset_name\"\r\n\r\n%s\r\n";
        byte[] body = (field.formatted("faces") + field.formatted("cats") + new String(twoNames, StandardCharsets.ISO_8859_1))
                .getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse<String> r = post(body);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("'dataset_name'", "send one");
        assertThat(Json.MAPPER.readTree(get("/datasets").body()).get("datasets")).isEmpty();
    }

    @Test
    void the404ForAnUnknownDatasetDoesNotListTheOthersAndBadNamesAre400s() throws Exception {
        assertThat(post("secret-project", TestZips.faces().bytes()).statusCode()).isEqualTo(200);
        HttpResponse<String> r = get("/datasets/nope");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("nope", "GET /datasets").doesNotContain("secret-project");
        for (String bad : new String[] {"x".repeat(300), "a%20b", "%C3%A9", "a%01b", "a%E2%80%8Bb"}) {
            HttpResponse<String> b = get("/datasets/" + bad);
            assertThat(b.statusCode()).as(bad).isEqualTo(400);
            assertThat(b.body()).as(bad).contains("dataset name").doesNotContain("secret-project");
        }
        // Jetty itself refuses ambiguous encodings (400) before any route sees them.
        for (String bad : new String[] {"..%2F..", "%FF", "a%00b"}) {
            assertThat(get("/datasets/" + bad).statusCode()).as(bad).isEqualTo(400);
        }
        HttpResponse<String> badName = post("../etc", TestZips.faces().bytes());
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(badName.body()).contains("dataset name");
    }

    @Test
    void malformedMultipartBodiesAre4xx() throws Exception {
        byte[] good = multipart(Map.of("dataset_name", "faces"), TestZips.faces().bytes());
        for (byte[] body : new byte[][] {
                Arrays.copyOf(good, good.length / 2),
                "--nope\r\n\r\n".getBytes(StandardCharsets.UTF_8),
                new byte[0],
                ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\nabc").getBytes(StandardCharsets.UTF_8)}) {
            HttpResponse<String> r = post(body);
            assertThat(r.statusCode()).as(r.body()).isBetween(400, 499);
        }
        assertThat(Json.MAPPER.readTree(get("/datasets").body()).get("datasets")).isEmpty();
    }

    /** A multipart body: form fields, then one part 'file' per (filename, bytes). */
    private static byte[] parts(Map<String, String> fields, Map<String, byte[]> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fields.forEach((k, v) -> out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n"
                + v + "\r\n").getBytes(StandardCharsets.UTF_8)));
        files.forEach((name, bytes) -> {
            out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(bytes);
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        });
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private HttpResponse<String> postTo(String path, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .header("X-Test-User", "ana").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> delete(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void versionSummaryListingAndDeletionHaveTheirWholeShape() throws Exception {
        HttpResponse<String> created = post("faces", TestZips.faces().bytes());
        assertThat(created.statusCode()).isEqualTo(200);
        DatasetVersion v = store.versions("faces").get(0);
        // Through text, as a client reads it: a small long and an int are then the same node.
        ObjectNode version = (ObjectNode) Json.MAPPER.readTree(Json.MAPPER.createObjectNode().put("name", "faces")
                .put("version", 1).put("ref", "faces@1").put("content_hash", v.contentHash()).put("files", 4)
                .put("bytes", v.sizeBytes()).<ObjectNode>set("splits", Json.MAPPER.valueToTree(v.splits()))
                .put("created_at", v.createdAt().toString()).toString());
        assertThat(Json.MAPPER.readTree(created.body())).isEqualTo(version);
        assertThat(Json.MAPPER.readTree(get("/datasets").body()))
                .isEqualTo(Json.MAPPER.createObjectNode().set("datasets", Json.MAPPER.createArrayNode().add(version)));
        assertThat(Json.MAPPER.readTree(get("/datasets/faces").body())).isEqualTo(Json.MAPPER.createObjectNode()
                .put("name", "faces").set("versions", Json.MAPPER.createArrayNode().add(version)));
        assertThat(Json.MAPPER.readTree(get("/datasets/faces/versions/1").body()))
                .isEqualTo(version.deepCopy().putNull("parent").putNull("created_by"));

        ManifestEntry first = store.files(v, "", 0, 1).get(0);
        JsonNode file = Json.MAPPER.readTree(Json.MAPPER.createObjectNode().put("path", first.path())
                .put("sha256", first.sha256()).put("bytes", first.size()).toString());
        assertThat(Json.MAPPER.readTree(get("/datasets/faces/versions/1/files?limit=1").body()))
                .isEqualTo(Json.MAPPER.createObjectNode().put("ref", "faces@1").put("offset", 0)
                        .<ObjectNode>set("files", Json.MAPPER.createArrayNode().add(file)).put("next_offset", 1));

        JsonNode deleted = Json.MAPPER.readTree(delete("/datasets/faces/versions/1?force=true").body());
        assertThat(deleted.get("deleted").asText()).isEqualTo("faces@1");
        assertThat(deleted.get("blobs_removed").isInt()).isTrue();
        assertThat(deleted.size()).isEqualTo(2);
    }

    @Test
    void appendThenReadTheVersionBackFileByFile() throws Exception {
        assertThat(post("faces", TestZips.faces().bytes()).statusCode()).isEqualTo(200);
        HttpResponse<String> appended = postTo("/datasets/faces/versions", parts(Map.of(),
                Map.of("more.zip", new TestZips().image("train/happy/e.png", 7).bytes())));
        assertThat(appended.statusCode()).as(appended.body()).isEqualTo(201);
        JsonNode v2 = Json.MAPPER.readTree(appended.body());
        assertThat(v2.get("ref").asText()).isEqualTo("faces@2");
        assertThat(v2.get("parent").asText()).isEqualTo("faces@1");
        assertThat(v2.get("created_by").asText()).isEqualTo("ana");
        assertThat(v2.get("files").asInt()).isEqualTo(5);

        HttpResponse<String> images = postTo("/datasets/faces/versions", parts(Map.of("label", "calm"),
                Map.of("x.png", TestZips.png(20), "y.png", TestZips.png(21))));
        assertThat(images.statusCode()).as(images.body()).isEqualTo(201);
        assertThat(Json.MAPPER.readTree(images.body()).at("/splits/train/calm").asInt()).isEqualTo(2);

        JsonNode summary = Json.MAPPER.readTree(get("/datasets/faces/versions/2").body());
        assertThat(summary.at("/splits/train/happy").asInt()).isEqualTo(3);
        assertThat(summary.get("parent").asText()).isEqualTo("faces@1");

        JsonNode page = Json.MAPPER.readTree(get("/datasets/faces/versions/3/files?prefix=train/&limit=2").body());
        assertThat(page.get("files")).hasSize(2);
        assertThat(page.at("/files/0/path").asText()).isEqualTo("train/calm/x.png");
        assertThat(page.get("next_offset").asInt()).isEqualTo(2);
        JsonNode rest = Json.MAPPER.readTree(get("/datasets/faces/versions/3/files?prefix=train/&offset=2&limit=100").body());
        assertThat(rest.get("files")).hasSize(4);
        assertThat(rest.has("next_offset")).isFalse();

        HttpResponse<byte[]> file = http.send(HttpRequest.newBuilder(uri("/datasets/faces/versions/3/files/train/calm/y.png")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).isEqualTo(TestZips.png(21));
        assertThat(file.headers().firstValue("Content-Type")).hasValue("image/png");

        HttpResponse<byte[]> zip = http.send(HttpRequest.newBuilder(uri("/datasets/faces/versions/2/download")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat(zip.headers().firstValue("Content-Type")).hasValue("application/zip");
        assertThat(store.upload("copy", new java.io.ByteArrayInputStream(zip.body())).contentHash()).isEqualTo(v2.get("content_hash").asText());
    }

    @Test
    void hostileVersionRequestsAre4xxAndChangeNothing() throws Exception {
        assertThat(post("faces", TestZips.faces().bytes()).statusCode()).isEqualTo(200);
        Map<String, Integer> gets = new LinkedHashMap<>();
        gets.put("/datasets/faces/versions/0", 400);
        gets.put("/datasets/faces/versions/abc", 400);
        gets.put("/datasets/faces/versions/99999999999999", 400);
        gets.put("/datasets/faces/versions/7", 404);
        gets.put("/datasets/nope/versions/1", 404);
        gets.put("/datasets/faces/versions/1/files?offset=-1", 400);
        gets.put("/datasets/faces/versions/1/files?offset=99999999999999999999", 400);
        gets.put("/datasets/faces/versions/1/files?limit=100000", 400);
        gets.put("/datasets/faces/versions/1/files?limit=0", 400);
        gets.put("/datasets/faces/versions/1/files?limit=x", 400);
        gets.put("/datasets/faces/versions/1/files/train/happy/nope.png", 404);
        gets.put("/datasets/faces/versions/1/files/..%2F..%2Fetc%2Fpasswd", 400);
        gets.put("/datasets/faces/versions/1/files/train/happy/%2E%2E/%2E%2E/%2E%2E/etc/passwd", 400);
        gets.put("/datasets/faces/versions/1/files/" + "a/".repeat(600) + "x.png", 400);
        gets.put("/datasets/faces/versions/7/download", 404);
        for (var e : gets.entrySet()) {
            HttpResponse<String> r = get(e.getKey());
            assertThat(r.statusCode()).as(e.getKey() + " " + r.body()).isEqualTo(e.getValue());
            assertThat(r.body()).as(e.getKey()).doesNotContain(dir.toString());
        }
        assertThat(Json.MAPPER.readTree(get("/datasets/faces/versions/1/files?offset=999999999999").body()).get("files")).isEmpty();

        byte[] zip = TestZips.faces().bytes();
        Map<String, byte[]> posts = new LinkedHashMap<>();
        posts.put("/datasets/faces/versions", parts(Map.of(), Map.of()));
        posts.put("/datasets/..%2Fetc/versions", parts(Map.of(), Map.of("a.zip", zip)));
        posts.put("/datasets/faces/versions#two", parts(Map.of(), Map.of("a.zip", zip, "b.zip", zip)));
        posts.put("/datasets/faces/versions#label", parts(Map.of("label", "../x"), Map.of("a.png", TestZips.png(1))));
        posts.put("/datasets/faces/versions#name", parts(Map.of("label", "x"), Map.of("../../a.png", TestZips.png(1))));
        posts.put("/datasets/faces/versions#split", parts(Map.of("label", "x", "split", "valid"), Map.of("a.png", TestZips.png(1))));
        posts.put("/datasets/faces/versions#notimage", parts(Map.of("label", "x"), Map.of("a.png", "hello".getBytes())));
        posts.put("/datasets/faces/versions#notzip", parts(Map.of(), Map.of("a.zip", "hello".getBytes())));
        for (var e : posts.entrySet()) {
            HttpResponse<String> r = postTo(e.getKey().replaceFirst("#.*", ""), e.getValue());
            assertThat(r.statusCode()).as(e.getKey() + " " + r.body()).isEqualTo(400);
        }
        assertThat(delete("/datasets/faces/versions/1?force=maybe").statusCode()).isEqualTo(400);
        assertThat(delete("/datasets/faces/versions/9").statusCode()).isEqualTo(404);
        assertThat(Json.MAPPER.readTree(get("/datasets/faces").body()).get("versions")).hasSize(1);

        store.setUsage(v -> List.of("model cnn version 1"));
        HttpResponse<String> inUse = delete("/datasets/faces/versions/1");
        assertThat(inUse.statusCode()).isEqualTo(409);
        assertThat(inUse.body()).contains("model cnn version 1", "force=true");
        assertThat(get("/datasets/faces/versions/1").statusCode()).isEqualTo(200);
        assertThat(delete("/datasets/faces/versions/1?force=true").statusCode()).isEqualTo(200);
        assertThat(get("/datasets/faces/versions/1").statusCode()).isEqualTo(404);
    }
}
