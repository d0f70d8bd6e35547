package org.chimp.api.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbeddingsDataTypeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final EmbeddingsDataType type = new EmbeddingsDataType();

    @Test
    void roundTripsThroughTheEmbeddingsObject() {
        Embeddings e = new Embeddings(List.of(new float[] {1f, 0f}, new float[] {0.5f, 0.5f}));
        var json = type.toJson(e);
        assertThat(json.get("embeddings")).hasSize(2);
        Embeddings back = type.fromJson(json);
        assertThat(back.vectors().get(1)).containsExactly(0.5f, 0.5f);
        assertThat(back.dimension()).isEqualTo(2);
        assertThat(back.cosine(0, 1)).isCloseTo(Math.sqrt(0.5), within(1e-6));
    }

    @Test
    void rejectsRaggedOrNonNumericRows() throws Exception {
        assertInvalid(() -> type.fromJson(MAPPER.readTree("{\"embeddings\": [[1, 2], [3]]}"))).contains("equal length");
        assertInvalid(() -> type.fromJson(MAPPER.readTree("{\"embeddings\": [[1, \"x\"]]}"))).contains("must be numbers");
        assertInvalid(() -> type.fromJson(MAPPER.readTree("[[1]]"))).contains("{\"embeddings\"");
    }
}
