package org.chimp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelConfigTest {
    static final String REF = "sha256:" + "0123456789abcdef".repeat(4);
    static final String FLAT = "{\"task\": \"image-classification\", \"architecture\": \"fake-classifier\", "
            + "\"artifacts\": {\"weights\": \"" + REF + "\"}, \"score\": 0.5, \"labels\": [\"a\", \"b\"]}";

    @Test
    void parseReadsFlatForm() throws Exception {
        ModelConfig c = ModelConfig.parse(FLAT);
        assertThat(c.task()).isEqualTo("image-classification");
        assertThat(c.architecture()).isEqualTo("fake-classifier");
        assertThat(c.artifacts()).isEqualTo(Map.of("weights", REF));
        assertThat(c.parameters()).isEqualTo(new ObjectMapper().readTree("{\"score\": 0.5, \"labels\": [\"a\", \"b\"]}"));
    }

    @Test
    void toJsonRoundTrip() throws Exception {
        ModelConfig c = ModelConfig.parse(FLAT);
        assertThat(c.toJson()).isEqualTo(new ObjectMapper().readTree(FLAT));
        assertThat(ModelConfig.fromJson(c.toJson())).isEqualTo(c);
    }

    @Test
    void artifactsMayBeLeftOut() {
        ModelConfig c = ModelConfig.parse("{\"task\": \"t\", \"architecture\": \"a\"}");
        assertThat(c.artifacts()).isEmpty();
        assertThat(c.parameters()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"architecture\": \"a\"}",
            "{\"task\": \"t\"}",
            "{\"task\": \"\", \"architecture\": \"a\"}",
            "{\"task\": 3, \"architecture\": \"a\"}",
            "{\"task\": \"t\", \"architecture\": null}"})
    void missingTaskOrArchitecture(String json) {
        assertInvalid(() -> ModelConfig.parse(json)).containsPattern("'(task|architecture)'");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
            "sha256:0123456789abcdef",
            "https://example.com/weights.onnx",
            "sha1:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0"})
    void artifactsMustBeSha256Refs(String ref) {
        String json = "{\"task\": \"t\", \"architecture\": \"a\", \"artifacts\": {\"weights\": \"" + ref + "\"}}";
        assertInvalid(() -> ModelConfig.parse(json)).contains("'weights'", "sha256:<64 hex digits>");
        assertThat(ModelConfig.isArtifactRef(ref)).isFalse();
    }

    @Test
    void artifactsMustBeAnObject() {
        assertInvalid(() -> ModelConfig.parse("{\"task\": \"t\", \"architecture\": \"a\", \"artifacts\": [\"" + REF + "\"]}"))
                .contains("'artifacts' must be an object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{not json", "[1, 2]", "\"text\"", "", "{\"task\": \"t\", \"architecture\": \"a\"} {}"})
    void invalidJsonText(String text) {
        assertInvalid(() -> ModelConfig.parse(text)).isNotBlank();
    }

    @Test
    void parametersAreDeepCopied() {
        ObjectNode params = JsonNodeFactory.instance.objectNode();
        params.putArray("labels").add("a");
        ModelConfig c = new ModelConfig("t", "a", Map.of(), params);
        ((ArrayNode) params.get("labels")).add("b");
        params.put("extra", 1);
        assertThat(c.parameters().toString()).isEqualTo("{\"labels\":[\"a\"]}");

        ObjectNode json = c.toJson();
        json.put("score", 2);
        assertThat(c.parameters().has("score")).isFalse();
    }

    @Test
    void withParametersReplacesOnlyParameters() {
        ModelConfig c = ModelConfig.parse(FLAT);
        ModelConfig d = c.withParameters(JsonNodeFactory.instance.objectNode().put("x", 1));
        assertThat(d.task()).isEqualTo(c.task());
        assertThat(d.artifacts()).isEqualTo(c.artifacts());
        assertThat(d.parameters().toString()).isEqualTo("{\"x\":1}");
    }
}
