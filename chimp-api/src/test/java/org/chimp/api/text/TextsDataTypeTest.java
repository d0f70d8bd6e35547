package org.chimp.api.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.api.error.ClientErrors.assertClientError;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextsDataTypeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final TextsDataType type = new TextsDataType();

    @Test
    void readsOneTextOrAListAndWritesTheSameShapeBack() throws Exception {
        Texts one = type.fromJson(MAPPER.readTree("\"hello\""));
        assertThat(one.values()).containsExactly("hello");
        assertThat(one.single()).isTrue();
        assertThat(type.toJson(one).asText()).isEqualTo("hello");
        Texts two = type.fromJson(MAPPER.readTree("[\"a\", \"b\"]"));
        assertThat(two.values()).containsExactly("a", "b");
        assertThat(two.single()).isFalse();
        assertThat(type.toJson(two)).isEqualTo(MAPPER.readTree("[\"a\", \"b\"]"));
    }

    @Test
    void wrongJsonTypesAreRejectedSayingWhatToSend() throws Exception {
        assertInvalid(() -> type.fromJson(MAPPER.readTree("42"))).contains("a text or a list of texts");
        assertInvalid(() -> type.fromJson(MAPPER.readTree("{\"text\": \"a\"}"))).contains("a text or a list of texts");
        assertInvalid(() -> type.fromJson(null)).contains("got nothing");
        assertInvalid(() -> type.fromJson(MAPPER.readTree("[\"a\", 3]"))).contains("Text 1 must be a string");
        assertInvalid(() -> type.fromJson(MAPPER.readTree("[]"))).contains("At least one text");
    }

    @Test
    void tooManyTextsIsA400AndAHugeTextA413() {
        ArrayNode many = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i <= TextsDataType.MAX_TEXTS; i++) {
            many.add("t");
        }
        assertInvalid(() -> type.fromJson(many)).contains("At most " + TextsDataType.MAX_TEXTS + " texts", "split");
        JsonNode huge = JsonNodeFactory.instance.textNode("x".repeat(TextsDataType.MAX_CHARS + 1));
        assertClientError(413, () -> type.fromJson(huge)).contains("at most " + TextsDataType.MAX_CHARS);
        assertClientError(413, () -> type.fromJson(JsonNodeFactory.instance.arrayNode().add("ok").add(huge)))
                .contains("Text 1 has");
        assertThat(type.fromJson(JsonNodeFactory.instance.textNode("x".repeat(TextsDataType.MAX_CHARS))).values())
                .hasSize(1);
        assertThat(Texts.of(List.of("a")).size()).isEqualTo(1);
    }
}
