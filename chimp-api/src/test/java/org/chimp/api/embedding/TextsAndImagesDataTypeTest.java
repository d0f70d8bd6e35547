package org.chimp.api.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.chimp.api.error.ClientErrors.assertClientError;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.chimp.api.text.TextsDataType;
import org.junit.jupiter.api.Test;

class TextsAndImagesDataTypeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final TextsAndImagesDataType type = new TextsAndImagesDataType();

    @Test
    void readsTextsImagesOrBoth() throws Exception {
        TextsAndImages both = type.fromJson(MAPPER.readTree("{\"texts\": [\"a\", \"b\"], \"images\": [[[0, 255], [255, 0]]]}"));
        assertThat(both.texts()).containsExactly("a", "b");
        assertThat(both.images()).hasSize(1);
        assertThat(both.images().get(0).width()).isEqualTo(2);
        assertThat(type.fromJson(MAPPER.readTree("{\"texts\": \"one\"}")).texts()).containsExactly("one");
        assertThat(type.fromJson(MAPPER.readTree("{\"images\": [[[1, 2]]], \"texts\": []}")).texts()).isEmpty();
        assertThat(type.fromJson(type.toJson(both)).texts()).containsExactly("a", "b");
    }

    @Test
    void hostileOrWrongInputsAre4xxSayingWhatToSend() throws Exception {
        assertInvalid(() -> type.fromJson(MAPPER.readTree("{}"))).contains("Nothing to embed");
        assertInvalid(() -> type.fromJson(MAPPER.readTree("[\"a\"]"))).contains("{\"texts\"");
        assertInvalid(() -> type.fromJson(MAPPER.readTree("{\"text\": \"a\"}"))).contains("Unknown field \"text\"");
        assertInvalid(() -> type.fromJson(MAPPER.readTree("{\"images\": \"abc\"}"))).contains("must be a list of images");
        assertInvalid(() -> type.fromJson(MAPPER.readTree("{\"texts\": [1]}"))).contains("Text 0 must be a string");
        ObjectNode many = MAPPER.createObjectNode();
        ArrayNode images = many.putArray("images");
        for (int i = 0; i <= TextsAndImagesDataType.MAX_IMAGES; i++) {
            images.add("not even base64, never decoded");
        }
        assertInvalid(() -> type.fromJson(many)).contains("At most " + TextsAndImagesDataType.MAX_IMAGES + " images");
        ObjectNode huge = MAPPER.createObjectNode();
        huge.putArray("texts").add("x".repeat(TextsDataType.MAX_CHARS + 1));
        assertClientError(413, () -> type.fromJson(huge)).contains("at most " + TextsDataType.MAX_CHARS);
    }

    @Test
    void outputCarriesBothVectorListsAndTheirSimilarities() {
        JointEmbeddings e = new JointEmbeddings(new Embeddings(List.of(new float[] {1, 0}, new float[] {0, 1})),
                new Embeddings(List.of(new float[] {0.1f, 0.9f})));
        assertThat(e.bestTextPerImage()).containsExactly(1);
        JointEmbeddingsDataType out = new JointEmbeddingsDataType();
        var json = out.toJson(e);
        assertThat(json.get("similarities").get(0).get(1).asDouble()).isCloseTo(0.9 / Math.sqrt(0.82), within(1e-6));
        JointEmbeddings back = out.fromJson(json);
        assertThat(back.images().vectors().get(0)).containsExactly(0.1f, 0.9f);
        assertInvalid(() -> out.fromJson(MAPPER.createObjectNode())).contains("text_embeddings");
    }
}
