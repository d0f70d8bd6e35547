package org.chimp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.chimp.models.generation.tiny.TinyTextGenerator;
import org.chimp.server.node.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model trained elsewhere, end to end on a standalone node: imported with its files (through the server's spooled
 * multipart handling and admin check), promoted, then answering on both inference endpoints.
 */
class ModelImportTest {
    private static final String TOKEN = "import-test-token-0123456789";
    private static final String BOUNDARY = "chimp-import-boundary";

    @TempDir
    Path dir;

    @Test
    void anImportedTextGeneratorAnswersOnBothEndpoints() throws Exception {
        Map<String, byte[]> files = TinyTextGenerator.files(9);
        Map<String, String> refs = new LinkedHashMap<>();
        files.forEach((name, bytes) -> refs.put(name, sha(bytes)));
        String config = TinyTextGenerator.config(refs).toJson().toString();
        try (StandaloneFixture f = StandaloneFixture.start(dir, TOKEN)) {
            ApiClient.Reply imported = f.api().postBytes("/api/2.0/chimp/models/import", "multipart/form-data; boundary=" + BOUNDARY,
                    form(Map.of("name", "gen", "stage", "Production", "config", config), files));
            assertThat(imported.status()).as(imported.text()).isEqualTo(200);
            assertThat(imported.json().path("model_version").path("current_stage").asText()).isEqualTo("Production");

            ApiClient serving = new ApiClient(f.node().port(Role.SERVING), TOKEN);
            ApiClient.Reply json = serving.postJson("/model/gen/infer", "{\"inputs\": {\"prompt\": \"hello\", \"max_tokens\": 4, \"seed\": 1}}");
            assertThat(json.status()).as(json.text()).isEqualTo(200);
            ApiClient.Reply oip = serving.postJson("/v2/models/gen/infer", """
                    {"parameters": {"max_tokens": 4, "seed": 1},
                     "inputs": [{"name": "prompt", "shape": [1], "datatype": "BYTES", "data": ["hello"]}]}""");
            assertThat(oip.status()).as(oip.text()).isEqualTo(200);
            assertThat(oip.json().path("outputs").get(0).path("data").get(0).asText())
                    .isEqualTo(json.json().path("predictions").path("text").asText());

            ApiClient.Reply again = f.api().postBytes("/api/2.0/chimp/models/import", "multipart/form-data; boundary=" + BOUNDARY,
                    form(Map.of("name", "gen", "config", config.replace(refs.get("weights"), sha(new byte[] {1}))), files));
            assertThat(again.status()).as(again.text()).isEqualTo(400);
            assertThat(f.api().get("/api/2.0/mlflow/registered-models/get?name=gen").json().path("registered_model")
                    .path("latest_versions")).hasSize(1);
        }
    }

    private static byte[] form(Map<String, String> fields, Map<String, byte[]> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fields.forEach((k, v) -> out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" + v
                + "\r\n").getBytes(StandardCharsets.UTF_8)));
        files.forEach((k, v) -> {
            out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + k + "\"; filename=\"" + k
                    + ".bin\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(v);
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        });
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static String sha(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
