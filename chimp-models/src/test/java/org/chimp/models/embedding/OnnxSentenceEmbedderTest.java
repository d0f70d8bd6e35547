package org.chimp.models.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.chimp.api.Architectures;
import org.chimp.api.Model;
import org.chimp.api.ModelConfig;
import org.chimp.api.RunContext;
import org.chimp.api.Tasks;
import org.chimp.api.embedding.Embeddings;
import org.chimp.api.text.Texts;
import org.chimp.models.onnx.LocalArtifacts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The real all-MiniLM-L6-v2 through CHIMP's tokenizer, ONNX Runtime call and pooling. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OnnxSentenceEmbedderTest {
    private static final RunContext CTX = RunContext.defaults();
    private final Architectures architectures = Architectures.load();
    private LocalArtifacts artifacts;
    private Model<Texts, Embeddings> model;

    @BeforeAll
    void load(@TempDir Path dir) {
        artifacts = new LocalArtifacts(dir);
        model = architectures.build(Tasks.TEXT_EMBEDDING, ModelConfig.parse(MiniLm.config(artifacts, "")), artifacts);
    }

    @AfterAll
    void close() {
        model.close();
    }

    @Test
    void isFoundForTheTextEmbeddingTask() {
        assertThat(architectures.find("text-embedding", "onnx-sentence-embedder")).isInstanceOf(OnnxSentenceEmbedderArchitecture.class);
    }

    @Test
    void paraphrasesAreCloserThanUnrelatedSentences() {
        Embeddings e = model.run(Texts.of(List.of("A man is playing a guitar.", "Someone plays an acoustic guitar.",
                "The stock market fell sharply on Monday.")), CTX);
        assertThat(e.dimension()).isEqualTo(384);
        assertThat(e.cosine(0, 1)).isGreaterThan(0.5).isGreaterThan(e.cosine(0, 2) + 0.3);
        assertThat(e.cosine(0, 1)).isGreaterThan(e.cosine(1, 2) + 0.3);
        double norm = 0;
        for (float f : e.vectors().get(0)) {
            norm += f * f;
        }
        assertThat(norm).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void matchesLangchain4jsOwnAllMiniLmWithin1e4() {
        List<String> texts = List.of("Hello, world!", "The chimpanzee's café serves crème brûlée.",
                "Embeddings map sentences to vectors; similar meanings land close together.", "北京 and 東京 🐒");
        AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();
        Embeddings ours = model.run(Texts.of(texts), CTX);
        for (int i = 0; i < texts.size(); i++) {
            float[] expected = reference.embed(texts.get(i)).content().vector();
            assertThat(ours.vectors().get(i)).as(texts.get(i)).containsExactly(expected, within(1e-4f));
        }
    }

    @Test
    void aBatchPaddedToTheLongestGivesTheSameVectorsAsSingleRuns() {
        List<Texts> inputs = List.of(Texts.of("short"), Texts.of(List.of("a somewhat longer sentence about apes and bananas",
                "mid length text")), Texts.of("x"));
        List<Embeddings> batch = model.runBatch(inputs, CTX);
        assertThat(batch).hasSize(3);
        assertThat(batch.get(1).vectors()).hasSize(2);
        for (int i = 0; i < inputs.size(); i++) {
            for (int j = 0; j < inputs.get(i).size(); j++) {
                float[] single = model.run(Texts.of(inputs.get(i).values().get(j)), CTX).vectors().get(0);
                assertThat(batch.get(i).vectors().get(j)).containsExactly(single, within(1e-5f));
            }
        }
    }

    @Test
    void longTextsAreCutToMaxTokens() {
        OnnxSentenceEmbedder m = (OnnxSentenceEmbedder) model;
        assertThat(m.tokenIds("word ".repeat(5000))).hasSize(256);
        assertThat(m.tokenIds("")).containsExactly(101, 102);
        Embeddings e = model.run(Texts.of("ape ".repeat(5000)), CTX);
        assertThat(e.vectors().get(0)).hasSize(384);
    }

    @Test
    void aCancelledRunStopsBeforeRunningTheModel() {
        RunContext cancelled = new RunContext(0, "cpu", () -> true);
        assertThatThrownBy(() -> model.run(Texts.of("never embedded"), cancelled)).isInstanceOf(CancellationException.class);
    }

    @Test
    void configParametersAreBoundedAndArtifactsRequired() {
        String base = "{\"task\": \"text-embedding\", \"architecture\": \"onnx-sentence-embedder\", \"artifacts\": {\"weights\": \"sha256:"
                + "0".repeat(64) + "\"}";
        assertInvalid(() -> architectures.validate(ModelConfig.parse(base + "}"))).contains("needs artifacts [tokenizer]");
        String both = base.replace("}", ", \"tokenizer\": \"sha256:" + "1".repeat(64) + "\"}");
        assertInvalid(() -> architectures.validate(ModelConfig.parse(both + ", \"max_tokens\": 100000}"))).contains("'max_tokens' must be at most 512");
        assertInvalid(() -> architectures.validate(ModelConfig.parse(both + ", \"max_tokens\": \"many\"}"))).contains("'max_tokens' must be of type int");
        assertInvalid(() -> architectures.validate(ModelConfig.parse(both + ", \"pooling\": \"max\"}"))).contains("'pooling' is not a parameter");
    }

    @Test
    void aTokenizerThatIsNotWordPieceOrWeightsThatAreNotOnnxAre400s() {
        String junk = artifacts.put("junk.bin", "not a model".getBytes());
        String tokenizer = artifacts.putResource("tok2.json", MiniLm.TOKENIZER);
        String weights = artifacts.putResource("w2.onnx", MiniLm.ONNX);
        assertInvalid(() -> build(junk, tokenizer)).contains("not a model ONNX Runtime can load");
        assertInvalid(() -> build(weights, junk)).contains("not a JSON tokenizer.json");
    }

    private Model<Texts, Embeddings> build(String weights, String tokenizer) {
        return architectures.build(Tasks.TEXT_EMBEDDING, ModelConfig.parse("{\"task\": \"text-embedding\", \"architecture\": "
                + "\"onnx-sentence-embedder\", \"artifacts\": {\"weights\": \"" + weights + "\", \"tokenizer\": \"" + tokenizer + "\"}}"), artifacts);
    }
}
