package org.chimp.api.param;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParametersTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final List<ParameterSpec> SPECS = List.of(
            ParameterSpec.required("epochs", ParameterType.INTEGER, "passes over the data").between(1.0, 100.0),
            ParameterSpec.optional("lr", ParameterType.NUMBER, "learning rate", F.numberNode(0.01)).between(0.0, null),
            ParameterSpec.optional("shuffle", ParameterType.BOOLEAN, "shuffle each epoch", F.booleanNode(true)),
            ParameterSpec.optional("name", ParameterType.STRING, "run name", null),
            ParameterSpec.optional("layers", ParameterType.JSON, "hidden sizes", F.arrayNode().add(32)));

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) new ObjectMapper().readTree(text);
    }

    @Test
    void fillsDefaultsAndLeavesOutOptionalsWithoutOne() throws Exception {
        ObjectNode out = Parameters.validate(SPECS, json("{\"epochs\": 5}"), "plugin 'p'");
        assertThat(out).isEqualTo(json("{\"epochs\": 5, \"lr\": 0.01, \"shuffle\": true, \"layers\": [32]}"));
    }

    @Test
    void coercesGivenValues() throws Exception {
        ObjectNode out = Parameters.validate(SPECS, json("{\"epochs\": \"7\", \"lr\": 1, \"shuffle\": \"no\", \"name\": \"r\"}"), "p");
        assertThat(out.get("epochs").isIntegralNumber()).isTrue();
        assertThat(out.get("epochs").asInt()).isEqualTo(7);
        assertThat(out.get("lr").asDouble()).isEqualTo(1.0);
        assertThat(out.get("shuffle")).isEqualTo(F.booleanNode(false));
        assertThat(out.get("name")).isEqualTo(F.textNode("r"));
    }

    @Test
    void fromTextParsesEveryType() throws Exception {
        ObjectNode out = Parameters.fromText(SPECS,
                Map.of("epochs", "3", "lr", "0.5", "shuffle", "False", "name", "42", "layers", "[64, 16]"), "p");
        assertThat(out.toString()).isEqualTo("{\"epochs\":3,\"lr\":0.5,\"shuffle\":false,\"name\":\"42\",\"layers\":[64,16]}");
    }

    @Test
    void fromTextTreatsEmptyTextAsMissing() throws Exception {
        ObjectNode out = Parameters.fromText(SPECS, Map.of("epochs", "2", "lr", "", "name", ""), "p");
        assertThat(out.get("lr").asDouble()).isEqualTo(0.01);
        assertThat(out.get("name")).isEqualTo(F.textNode(""));
    }

    @Test
    void fromTextRejectsInvalidJson() {
        assertInvalid(() -> Parameters.fromText(SPECS, Map.of("epochs", "2", "layers", "[64,"), "p"))
                .contains("'layers'", "json");
    }

    @Test
    void requiredMissing() {
        assertInvalid(() -> Parameters.validate(SPECS, F.objectNode(), "plugin 'p'"))
                .contains("plugin 'p'", "'epochs' is required", "passes over the data");
        assertInvalid(() -> Parameters.validate(SPECS, null, "p")).contains("'epochs' is required");
        assertInvalid(() -> Parameters.validate(SPECS, F.objectNode().putNull("epochs"), "p")).contains("'epochs' is required");
    }

    @Test
    void unknownNamesListKnownOnes() {
        assertInvalid(() -> Parameters.fromText(SPECS, Map.of("epochs", "1", "epoch", "1"), "plugin 'p'"))
                .contains("'epoch' is not a parameter of plugin 'p'", "known: epochs, layers, lr, name, shuffle");
    }

    @Test
    void wrongType() {
        assertInvalid(() -> Parameters.fromText(SPECS, Map.of("epochs", "1.5"), "p")).contains("'epochs' must be of type int");
        assertInvalid(() -> Parameters.fromText(SPECS, Map.of("epochs", "1", "shuffle", "maybe"), "p"))
                .contains("'shuffle' must be of type bool");
    }

    @Test
    void bounds() {
        assertInvalid(() -> Parameters.fromText(SPECS, Map.of("epochs", "0"), "p")).contains("'epochs' must be at least 1");
        assertInvalid(() -> Parameters.fromText(SPECS, Map.of("epochs", "101"), "p")).contains("'epochs' must be at most 100");
        assertInvalid(() -> Parameters.fromText(SPECS, Map.of("epochs", "1", "lr", "-0.1"), "p")).contains("'lr' must be at least 0");
        assertThat(Parameters.fromText(SPECS, Map.of("epochs", "100", "lr", "0"), "p").get("epochs").asInt()).isEqualTo(100);
    }

    @Test
    void allProblemsInOneMessage() {
        assertInvalid(() -> Parameters.fromText(SPECS, Map.of("lr", "abc", "shuffle", "2", "extra", "x"), "p"))
                .contains("'epochs' is required", "'lr' must be of type float", "'shuffle' must be of type bool",
                        "'extra' is not a parameter");
    }

    @Test
    void outputIsIndependentOfSpecsAndInput() throws Exception {
        ObjectNode given = json("{\"epochs\": 1}");
        ObjectNode out = Parameters.validate(SPECS, given, "p");
        ((ArrayNode) out.get("layers")).add(99);
        assertThat(SPECS.get(4).defaultValue()).isEqualTo(F.arrayNode().add(32));

        ObjectNode withLayers = json("{\"epochs\": 1, \"layers\": [1]}");
        JsonNode layers = Parameters.validate(SPECS, withLayers, "p").get("layers");
        ((ArrayNode) layers).add(2);
        assertThat(withLayers.get("layers")).isEqualTo(F.arrayNode().add(1));
    }

    private static final List<ParameterSpec> NAMED = List.of(
            ParameterSpec.optional("model_name", ParameterType.STRING, "model", F.textNode("m")).holding(TextKind.MODEL_NAME),
            ParameterSpec.optional("experiment_name", ParameterType.STRING, "experiment", null)
                    .holding(TextKind.EXPERIMENT_NAME),
            ParameterSpec.optional("note", ParameterType.STRING, "free text", null),
            ParameterSpec.optional("n", ParameterType.INTEGER, "a number", null));

    @Test
    void namesAreCheckedWhereTheyAreGiven() {
        assertInvalid(() -> Parameters.fromText(NAMED, Map.of("model_name", "../../etc"), "p"))
                .contains("'model_name': Invalid model name '../../etc'");
        assertInvalid(() -> Parameters.validate(NAMED, F.objectNode().put("model_name", "a/b"), "p"))
                .contains("'model_name': Invalid model name");
        assertInvalid(() -> Parameters.fromText(NAMED, Map.of("experiment_name", "x".repeat(100_000)), "p"))
                .contains("'experiment_name'").hasSizeLessThan(1000);
        assertInvalid(() -> Parameters.fromText(NAMED, Map.of("experiment_name", "a\0b"), "p"))
                .contains("control character");
        ObjectNode ok = Parameters.fromText(NAMED, Map.of("model_name", "Faces (v2)", "experiment_name", "/Users/me/x"), "p");
        assertThat(ok.get("model_name").asText()).isEqualTo("Faces (v2)");
        assertThat(ok.get("experiment_name").asText()).isEqualTo("/Users/me/x");
        // An empty form field leaves a name out: the default applies.
        assertThat(Parameters.fromText(NAMED, Map.of("model_name", ""), "p").get("model_name").asText()).isEqualTo("m");
    }

    @Test
    void everyStringIsBoundedAndHugeValuesAreNotEchoed() {
        assertInvalid(() -> Parameters.fromText(NAMED, Map.of("note", "x".repeat(Parameters.MAX_TEXT + 1)), "p"))
                .contains("'note': at most " + Parameters.MAX_TEXT + " characters");
        assertThat(Parameters.fromText(NAMED, Map.of("note", "x".repeat(Parameters.MAX_TEXT)), "p").get("note").asText())
                .hasSize(Parameters.MAX_TEXT);
        assertInvalid(() -> Parameters.fromText(NAMED, Map.of("n", "1".repeat(100_000) + "x"), "p"))
                .contains("'n' must be of type int").hasSizeLessThan(1000);
    }

    @Test
    void onlyAStringCanHoldAName() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ParameterSpec.required("n", ParameterType.INTEGER, "")
                .holding(TextKind.MODEL_NAME)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ParameterSpec.required("s", ParameterType.STRING, "").textKind()).isEqualTo(TextKind.TEXT);
        assertThat(ParameterSpec.required("s", ParameterType.STRING, "").holding(TextKind.LABEL).between(null, null)
                .textKind()).isEqualTo(TextKind.LABEL);
    }
}
