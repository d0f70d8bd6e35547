package org.chimp.models.tiny;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chimp.api.Architectures;
import org.chimp.api.Model;
import org.chimp.api.ModelConfig;
import org.chimp.api.RunContext;
import org.chimp.api.Tasks;
import org.chimp.api.embedding.Embeddings;
import org.chimp.api.embedding.JointEmbeddings;
import org.chimp.api.embedding.TextsAndImages;
import org.chimp.api.generation.Generation;
import org.chimp.api.generation.GenerationRequest;
import org.chimp.api.image.Image;
import org.chimp.api.text.Texts;
import org.chimp.models.embedding.tiny.TinyEmbedders;
import org.chimp.models.generation.tiny.TinyTextGenerator;
import org.chimp.models.onnx.LocalArtifacts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ready-made tiny models that other modules register (examples, serving tests) load and run with their configs. */
class TinyExamplesTest {
    private final Architectures architectures = Architectures.load();
    @TempDir
    Path dir;

    private Map<String, String> store(LocalArtifacts artifacts, Map<String, byte[]> files) {
        Map<String, String> refs = new LinkedHashMap<>();
        files.forEach((name, bytes) -> refs.put(name, artifacts.put(name, bytes)));
        return refs;
    }

    @Test
    void theTextGeneratorIsSeededAndDeterministic() {
        LocalArtifacts artifacts = new LocalArtifacts(dir);
        ModelConfig config = TinyTextGenerator.config(store(artifacts, TinyTextGenerator.files(1)));
        try (Model<GenerationRequest, Generation> m = architectures.build(Tasks.TEXT_GENERATION, config, artifacts)) {
            GenerationRequest request = new GenerationRequest("hello the", 8, 0.9, 0.95, 5L);
            Generation first = m.run(request, RunContext.defaults());
            assertThat(first.tokens()).isPositive();
            assertThat(m.run(request, RunContext.defaults())).isEqualTo(first);
        }
    }

    @Test
    void theSentenceEmbedderGivesOneUnitVectorPerText() {
        LocalArtifacts artifacts = new LocalArtifacts(dir);
        ModelConfig config = TinyEmbedders.sentenceEmbedderConfig(store(artifacts, TinyEmbedders.sentenceEmbedder(2)));
        try (Model<Texts, Embeddings> m = architectures.build(Tasks.TEXT_EMBEDDING, config, artifacts)) {
            Embeddings e = m.run(Texts.of(List.of("a red cat", "blue sky")), RunContext.defaults());
            assertThat(e.vectors()).hasSize(2);
            assertThat(e.dimension()).isEqualTo(TinyEmbedders.TEXT_DIMENSION);
            assertThat(e.cosine(0, 0)).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void theClipModelEmbedsTextsAndImagesInOneSpace() {
        LocalArtifacts artifacts = new LocalArtifacts(dir);
        ModelConfig config = TinyEmbedders.clipConfig(store(artifacts, TinyEmbedders.clip(3)));
        try (Model<TextsAndImages, JointEmbeddings> m = architectures.build(Tasks.TEXT_IMAGE_EMBEDDING, config, artifacts)) {
            Image gray = Tasks.TEXT_IMAGE_EMBEDDING.input().fromJson(Tasks.TEXT_IMAGE_EMBEDDING.input().example()).images().get(0);
            JointEmbeddings e = m.run(new TextsAndImages(List.of("red", "green"), List.of(gray)), RunContext.defaults());
            assertThat(e.similarities()).hasDimensions(1, 2);
        }
    }
}
