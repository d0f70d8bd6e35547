package org.chimp.tracking.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chimp.api.Architecture;
import org.chimp.api.Architectures;
import org.chimp.api.ArtifactResolver;
import org.chimp.api.Model;
import org.chimp.api.ModelConfig;
import org.chimp.api.Task;
import org.chimp.api.Tasks;
import org.chimp.api.generation.Generation;
import org.chimp.api.generation.GenerationRequest;
import org.chimp.api.param.ParameterSpec;
import org.chimp.api.param.ParameterType;
import org.chimp.db.TestDatabases;
import org.chimp.http.HttpErrors;
import org.chimp.http.Json;
import org.chimp.store.ArtifactStore;
import org.chimp.store.FileBlobStore;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.tracking.registry.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Importing a model version with its files over real HTTP, and every hostile upload refused with nothing registered. */
class ImportModelRoutesTest {
    private static final long MAX_ARTIFACT = 64 * 1024;
    /** The smallest ModelProto the format check takes: ir_version 8 and an empty graph. */
    private static final byte[] ONNX = {0x08, 0x08, 0x3A, 0x00};
    private static final byte[] TOKENIZER = "{\"model\": {}}".getBytes(StandardCharsets.UTF_8);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    private HikariDataSource ds;
    private ModelRegistry registry;
    private Javalin app;

    /** A text-generation architecture with an ONNX network and a tokenizer, as onnx-decoder declares them. */
    static final class TestDecoder implements Architecture<GenerationRequest, Generation> {
        @Override
        public String name() {
            return "test-decoder";
        }

        @Override
        public Task<GenerationRequest, Generation> task() {
            return Tasks.TEXT_GENERATION;
        }

        @Override
        public List<ParameterSpec> parameters() {
            return List.of(ParameterSpec.optional("max_context", ParameterType.INTEGER, "context", null));
        }

        @Override
        public List<String> requiredArtifacts() {
            return List.of("weights", "tokenizer");
        }

        @Override
        public Model<GenerationRequest, Generation> build(ModelConfig config, ArtifactResolver artifacts) {
            throw new UnsupportedOperationException("never loaded here");
        }
    }

    @BeforeEach
    void start() {
        ds = TestDatabases.Kind.H2.open();
        FileBlobStore blobs = new FileBlobStore(dir.resolve("store"));
        registry = new ModelRegistry(ds, new ArtifactStore(blobs, dir.resolve("cache")));
        app = Javalin.create(c -> c.showJavalinBanner = false);
        HttpErrors.install(app);
        new ImportModelRoutes(new TrackingStore(ds, blobs), registry, new Architectures(List.of(new TestDecoder())), MAX_ARTIFACT)
                .addTo(app);
        app.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
        ds.close();
    }

    @Test
    void importsAVersionWithItsFilesAndPromotesIt() throws Exception {
        HttpResponse<String> r = post(form("gen", config(Map.of("weights", ONNX, "tokenizer", TOKENIZER)), "Production",
                file("weights", "model.onnx", ONNX), file("tokenizer", "tokenizer.json", TOKENIZER)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode v = Json.MAPPER.readTree(r.body()).path("model_version");
        assertThat(v.path("name").asText()).isEqualTo("gen");
        assertThat(v.path("current_stage").asText()).isEqualTo("Production");
        ModelConfig stored = registry.latest("gen", Stage.PRODUCTION).orElseThrow().config();
        assertThat(stored.artifacts()).containsEntry("weights", sha(ONNX)).containsEntry("tokenizer", sha(TOKENIZER));
        assertThat(stored.parameters().path("max_context").asInt()).isEqualTo(32);
    }

    @Test
    void hostileUploadsAre4xxAndRegisterNothing() throws Exception {
        String good = config(Map.of("weights", ONNX, "tokenizer", TOKENIZER));
        Part weights = file("weights", "model.onnx", ONNX);
        Part tokenizer = file("tokenizer", "tokenizer.json", TOKENIZER);
        // sha mismatch
        refused(400, "has sha256:", form("gen", config(Map.of("weights", new byte[] {1}, "tokenizer", TOKENIZER)), null, weights, tokenizer));
        // unknown architecture
        refused(400, "Unknown architecture 'pickle-runner'", form("gen", good.replace("test-decoder", "pickle-runner"), null, weights, tokenizer));
        // missing artifact file, and an artifact the architecture does not declare
        refused(400, "no file part named 'tokenizer'", form("gen", good, null, weights));
        refused(400, "has no artifact 'script'", form("gen", config(Map.of("weights", ONNX, "tokenizer", TOKENIZER, "script", ONNX)),
                null, weights, tokenizer, file("script", "s.onnx", ONNX)));
        refused(400, "not artifacts of the config", form("gen", good, null, weights, tokenizer, file("extra", "x.onnx", ONNX)));
        // huge part
        byte[] huge = new byte[(int) MAX_ARTIFACT + 1];
        huge[0] = 0x08;
        refused(413, null, form("gen", config(Map.of("weights", huge, "tokenizer", TOKENIZER)), null, file("weights", "m.onnx", huge), tokenizer));
        // path-like file names
        refused(400, "plain file name", form("gen", good, null, file("weights", "../../etc/model.onnx", ONNX), tokenizer));
        refused(400, "plain file name", form("gen", good, null, file("weights", "C:\\\\models\\\\m.onnx", ONNX), tokenizer));
        // formats that run code, and files that are not what the artifact must be
        byte[] pickle = {(byte) 0x80, 0x04, (byte) 0x95, 0x00};
        refused(400, "Python pickle", form("gen", config(Map.of("weights", pickle, "tokenizer", TOKENIZER)), null,
                file("weights", "m.onnx", pickle), tokenizer));
        byte[] zip = {'P', 'K', 3, 4, 0, 0};
        refused(400, "zip archive", form("gen", config(Map.of("weights", zip, "tokenizer", TOKENIZER)), null,
                file("weights", "m.pt", zip), tokenizer));
        byte[] text = "not a model".getBytes(StandardCharsets.UTF_8);
        refused(400, "not a valid ONNX model", form("gen", config(Map.of("weights", text, "tokenizer", TOKENIZER)), null,
                file("weights", "m.onnx", text), tokenizer));
        refused(400, "not a valid tokenizer.json", form("gen", config(Map.of("weights", ONNX, "tokenizer", ONNX)), null,
                weights, file("tokenizer", "t.json", ONNX)));
        // a bad name, stage or config
        refused(400, "model name", form("../gen", good, null, weights, tokenizer));
        refused(400, "'stage' must be Staging or Production", form("gen", good, "Archived", weights, tokenizer));
        refused(400, "not valid JSON", form("gen", "{", null, weights, tokenizer));
        assertThat(registry.versions("gen", 10, 0)).isEmpty();
    }

    @Test
    void aBodyThatIsNotMultipartIsA400() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + ImportModelRoutes.PATH))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("multipart/form-data");
    }

    private void refused(int status, String message, byte[] body) throws Exception {
        HttpResponse<String> r = post(body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        if (message != null) {
            assertThat(Json.MAPPER.readTree(r.body()).path("message").asText()).contains(message);
        }
    }

    private static String config(Map<String, byte[]> files) {
        Map<String, String> refs = new LinkedHashMap<>();
        files.forEach((k, v) -> refs.put(k, sha(v)));
        return new ModelConfig("text-generation", "test-decoder", refs, Json.MAPPER.createObjectNode().put("max_context", 32))
                .toJson().toString();
    }

    private record Part(String name, String fileName, byte[] bytes) {
    }

    private static Part file(String name, String fileName, byte[] bytes) {
        return new Part(name, fileName, bytes);
    }

    private static final String BOUNDARY = "chimp-test-boundary-7d93";

    private static byte[] form(String name, String config, String stage, Part... files) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        field(out, "name", name);
        field(out, "config", config);
        if (stage != null) {
            field(out, "stage", stage);
        }
        for (Part p : files) {
            out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + p.name() + "\"; filename=\"" + p.fileName()
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(p.bytes());
            out.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, String name, String value) throws IOException {
        out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + ImportModelRoutes.PATH))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sha(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
