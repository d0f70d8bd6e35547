package org.chimp.api.classification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClassificationTest {
    private final ClassificationDataType type = new ClassificationDataType();

    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    @Test
    void bestIsTheMostProbableLabel() {
        Classification c = new Classification(List.of("cat", "dog", "fox"), new float[] {0.2f, 0.7f, 0.1f});
        assertThat(c.best()).isEqualTo(1);
        assertThat(c.bestLabel()).isEqualTo("dog");
        assertThat(new Classification(List.of("a", "b"), new float[] {0.9f, 0.1f}).bestLabel()).isEqualTo("a");
        assertThat(new Classification(List.of("a", "b", "c"), new float[] {0f, 0f, 1f}).bestLabel()).isEqualTo("c");
    }

    @Test
    void tiesGoToTheFirstLabel() {
        assertThat(new Classification(List.of("a", "b"), new float[] {0.5f, 0.5f}).bestLabel()).isEqualTo("a");
    }

    @Test
    void mismatchedLengthsRejected() {
        assertThatThrownBy(() -> new Classification(List.of("a", "b"), new float[] {1f}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 labels but 1 probabilities");
    }

    @Test
    void emptyClassificationsRejected() {
        assertThatThrownBy(() -> new Classification(List.of(), new float[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> type.fromJson(json("{\"labels\": [], \"probabilities\": []}")))
                .isInstanceOfSatisfying(org.chimp.api.error.ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void jsonRoundTrip() throws Exception {
        Classification c = new Classification(List.of("cat", "dog"), new float[] {0.25f, 0.75f});
        JsonNode j = type.toJson(c);
        assertThat(j.toString()).isEqualTo(json("{\"labels\": [\"cat\", \"dog\"], \"probabilities\": [0.25, 0.75], \"label\": \"dog\"}").toString());
        Classification back = type.fromJson(j);
        assertThat(back.labels()).isEqualTo(c.labels());
        assertThat(back.probabilities()).containsExactly(c.probabilities());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "[]", "{\"labels\": [\"a\"]}", "{\"labels\": [\"a\", \"b\"], \"probabilities\": [1]}",
            "{\"labels\": \"a\", \"probabilities\": 1}", "{\"labels\": [\"a\"], \"probabilities\": [\"high\"]}"})
    void badJsonIs400(String text) throws Exception {
        JsonNode j = json(text);
        assertInvalid(() -> type.fromJson(j)).contains("\"probabilities\"");
    }

    @Test
    void schemaAndId() {
        assertThat(type.id()).isEqualTo("classification");
        assertThat(type.valueType()).isEqualTo(Classification.class);
        assertThat(type.jsonSchema().get("required")).hasSize(2);
    }
}
