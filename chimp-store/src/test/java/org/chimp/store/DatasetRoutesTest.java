package org.chimp.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Map;
import org.chimp.db.TestDatabases;
import org.chimp.http.HttpErrors;
import org.chimp.http.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetRoutesTest {
    private static final String BOUNDARY = "chimp-test-boundary-1234";
    private final HttpClient http = HttpClient.newHttpClient();
    @TempDir
    Path dir;
    private HikariDataSource ds;
    private Javalin app;

    @BeforeEach
    void start() {
        ds = TestDatabases.h2();
        DatasetStore store = new DatasetStore(ds, new FileBlobStore(dir.resolve("blobs")), UploadLimits.defaults(), dir.resolve("work"));
        app = Javalin.create(c -> c.showJavalinBanner = false);
        HttpErrors.install(app);
        new DatasetRoutes(store).addTo(app);
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
}
