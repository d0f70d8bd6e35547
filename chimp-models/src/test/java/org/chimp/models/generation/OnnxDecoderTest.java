package org.chimp.models.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.chimp.api.Architectures;
import org.chimp.api.Model;
import org.chimp.api.ModelConfig;
import org.chimp.api.RunContext;
import org.chimp.api.Tasks;
import org.chimp.api.generation.Generation;
import org.chimp.api.generation.GenerationRequest;
import org.chimp.api.generation.TextStreamer;
import org.chimp.models.generation.tiny.TinyDecoder;
import org.chimp.models.generation.tiny.TinyTokenizer;
import org.chimp.models.onnx.LocalArtifacts;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The onnx-decoder on tiny random-weight decoders the test builds, run through ONNX Runtime. */
class OnnxDecoderTest {
    private static final RunContext CTX = RunContext.defaults();
    private static final int VOCAB = TinyTokenizer.vocabSize();
    private final Architectures architectures = Architectures.load();
    @TempDir
    Path dir;
    private LocalArtifacts artifacts;
    private String tokenizer;

    @BeforeEach
    void setUp() throws Exception {
        artifacts = new LocalArtifacts(dir);
        tokenizer = artifacts.put("tokenizer.json", TinyTokenizer.json());
    }

    /** A decoder whose end-of-sequence logit gets {@code eosBias} (very negative: it never stops by itself). */
    private Model<GenerationRequest, Generation> decoder(boolean cached, float eosBias, String params) {
        float[] bias = new float[VOCAB];
        bias[TinyTokenizer.eos()] = eosBias;
        String weights = artifacts.put("decoder-" + cached + "-" + eosBias + ".onnx", TinyDecoder.build(42, VOCAB, 2, cached, bias));
        return architectures.build(Tasks.TEXT_GENERATION, ModelConfig.parse("{\"task\": \"text-generation\", \"architecture\": "
                + "\"onnx-decoder\", \"artifacts\": {\"weights\": \"" + weights + "\", \"tokenizer\": \"" + tokenizer + "\"}, "
                + "\"max_context\": " + TinyDecoder.MAX_POSITIONS + (params.isEmpty() ? "" : ", " + params) + "}"), artifacts);
    }

    private static GenerationRequest sample(int tokens, double temperature, double topP, Long seed) {
        return new GenerationRequest("hello the", tokens, temperature, topP, seed);
    }

    @Test
    void isFoundForTheTextGenerationTask() {
        assertThat(architectures.find("text-generation", "onnx-decoder")).isInstanceOf(OnnxDecoderArchitecture.class);
    }

    @Test
    void greedyIsDeterministicAndIgnoresTheSeed() {
        try (Model<GenerationRequest, Generation> m = decoder(true, -100f, "")) {
            Generation a = m.run(sample(20, 0, 1, 1L), CTX);
            Generation b = m.run(sample(20, 0, 1, 2L), new RunContext(99, "cpu", () -> false));
            assertThat(a.tokens()).isEqualTo(20);
            assertThat(a.finishReason()).isEqualTo(Generation.FinishReason.LENGTH);
            assertThat(b).isEqualTo(a);
        }
    }

    @Test
    void theSameSeedGivesTheSameTextAndDifferentSeedsDiffer() {
        Generation first;
        try (Model<GenerationRequest, Generation> m = decoder(true, -100f, "")) {
            first = m.run(sample(24, 2.0, 0.95, 7L), CTX);
            assertThat(m.run(sample(24, 2.0, 0.95, 7L), CTX)).isEqualTo(first);
            // Without a seed in the request the run's seed decides, reproducibly too.
            RunContext seeded = new RunContext(7, "cpu", () -> false);
            assertThat(m.run(sample(24, 2.0, 0.95, null), seeded)).isEqualTo(first);
            Set<String> texts = new HashSet<>();
            for (long seed = 1; seed <= 4; seed++) {
                texts.add(m.run(sample(24, 2.0, 0.95, seed), CTX).text());
            }
            assertThat(texts).as("four seeds at temperature 2").hasSizeGreaterThan(1);
        }
        // The same config built again (a restarted server, another worker) gives the same text for the same seed.
        try (Model<GenerationRequest, Generation> again = decoder(true, -100f, "")) {
            assertThat(again.run(sample(24, 2.0, 0.95, 7L), CTX)).isEqualTo(first);
        }
    }

    @Test
    void concurrentGenerationsOnOneModelGiveWhatSequentialOnesGive() throws Exception {
        try (Model<GenerationRequest, Generation> m = decoder(true, -100f, "")) {
            List<GenerationRequest> requests = new ArrayList<>();
            for (long seed = 0; seed < 8; seed++) {
                requests.add(sample(20, 1.2, 0.9, seed));
            }
            List<Generation> sequential = requests.stream().map(r -> m.run(r, CTX)).toList();
            var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<Generation>> futures = new ArrayList<>();
                requests.forEach(r -> futures.add(pool.submit(() -> m.run(r, CTX))));
                for (int i = 0; i < requests.size(); i++) {
                    assertThat(futures.get(i).get()).isEqualTo(sequential.get(i));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void theKvCacheGivesTheSameTokensAsReReadingTheWholeSequence() {
        try (Model<GenerationRequest, Generation> cached = decoder(true, -100f, "");
             Model<GenerationRequest, Generation> recompute = decoder(true, -100f, "\"use_cache\": false");
             Model<GenerationRequest, Generation> noCacheModel = decoder(false, -100f, "")) {
            for (GenerationRequest r : List.of(sample(40, 0, 1, null), sample(40, 0.8, 0.9, 3L), sample(40, 1.5, 1.0, 11L))) {
                Generation expected = recompute.run(r, CTX);
                assertThat(cached.run(r, CTX)).as("cache, " + r).isEqualTo(expected);
                assertThat(noCacheModel.run(r, CTX)).as("model exported without cache, " + r).isEqualTo(expected);
            }
        }
    }

    @Test
    void stopsAtTheEndOfSequenceToken() {
        try (Model<GenerationRequest, Generation> m = decoder(true, 100f, "")) {
            Generation g = m.run(sample(10, 0, 1, null), CTX);
            assertThat(g).isEqualTo(new Generation("", 0, Generation.FinishReason.EOS));
        }
        try (Model<GenerationRequest, Generation> m = decoder(true, 100f, "\"eos_token\": \"\"")) {
            assertThat(m.run(sample(5, 0, 1, null), CTX).finishReason()).isEqualTo(Generation.FinishReason.LENGTH);
        }
    }

    @Test
    void stopsWhenTheContextIsFullOrTheRunIsCancelled() {
        try (Model<GenerationRequest, Generation> m = decoder(true, -100f, "\"max_context\": 12")) {
            Generation g = m.run(sample(50, 0, 1, null), CTX);
            assertThat(g.finishReason()).isEqualTo(Generation.FinishReason.CONTEXT);
            assertThat(g.tokens()).isEqualTo(12 - 2); // the prompt "hello the" is two tokens
            AtomicInteger polls = new AtomicInteger();
            Generation cancelled = m.run(sample(50, 0, 1, null), new RunContext(0, "cpu", () -> polls.incrementAndGet() > 3));
            assertThat(cancelled.finishReason()).isEqualTo(Generation.FinishReason.CANCELLED);
            assertThat(cancelled.tokens()).isEqualTo(3);
        }
    }

    @Test
    void streamsPiecesThatJoinToTheReturnedText() {
        try (Model<GenerationRequest, Generation> m = decoder(true, -100f, "")) {
            assertThat(m).isInstanceOf(TextStreamer.class); // what serving checks, without knowing the architecture
            TextStreamer decoder = (TextStreamer) m;
            List<String> pieces = new ArrayList<>();
            Generation g = decoder.generate(sample(30, 1.0, 1.0, 5L), CTX, pieces::add);
            assertThat(String.join("", pieces)).isEqualTo(g.text());
            assertThat(pieces).isNotEmpty().hasSizeLessThanOrEqualTo(g.tokens() + 1);
            assertThat(m.run(sample(30, 1.0, 1.0, 5L), CTX)).isEqualTo(g);
        }
    }

    @Test
    void requestsBeyondTheModelsLimitsAre400s() {
        try (Model<GenerationRequest, Generation> m = decoder(true, -100f, "\"max_tokens_limit\": 16")) {
            assertInvalid(() -> m.run(sample(17, 0, 1, null), CTX)).contains("at most 16 tokens per request");
            String longPrompt = "z".repeat(TinyDecoder.MAX_POSITIONS);
            assertInvalid(() -> m.run(new GenerationRequest(longPrompt, 4, 0, 1, null), CTX))
                    .contains("The prompt is", "context holds " + TinyDecoder.MAX_POSITIONS);
        }
    }

    @Test
    void aPromptWithoutTokensIsA400() throws Exception {
        // CLIP's pattern drops whitespace, so "   " has no tokens at all.
        String clipTokenizer = artifacts.put("clip.json", org.chimp.models.embedding.tiny.TinyClipTokenizer.json());
        String weights = artifacts.put("clip-decoder.onnx", TinyDecoder.build(3, org.chimp.models.embedding.tiny.TinyClipTokenizer.vocabSize(), 1, true, null));
        try (Model<GenerationRequest, Generation> m = architectures.build(Tasks.TEXT_GENERATION, ModelConfig.parse("{\"task\": "
                + "\"text-generation\", \"architecture\": \"onnx-decoder\", \"artifacts\": {\"weights\": \"" + weights
                + "\", \"tokenizer\": \"" + clipTokenizer + "\"}, \"max_context\": 64}"), artifacts)) {
            assertInvalid(() -> m.run(GenerationRequest.greedy("   ", 3), CTX)).contains("no tokens");
            assertThat(m.run(GenerationRequest.greedy("red", 3), CTX).tokens()).isBetween(0, 3);
        }
    }

    @Test
    void badConfigsAre400sThatSayWhatToFix() {
        assertInvalid(() -> decoder(true, 0f, "\"eos_token\": \"</s>\"")).contains("'eos_token' is '</s>'", "\"eos_token\": \"\"");
        assertInvalid(() -> decoder(true, 0f, "\"max_context\": 1")).contains("'max_context' must be at least 2");
        assertInvalid(() -> decoder(true, 0f, "\"max_tokens_limit\": 5000")).contains("'max_tokens_limit' must be at most 2048");
        assertInvalid(() -> decoder(true, 0f, "\"temperature\": 1")).contains("'temperature' is not a parameter");
        String small = artifacts.put("small.onnx", TinyDecoder.build(1, 10, 1, true, null));
        assertInvalid(() -> architectures.build(Tasks.TEXT_GENERATION, ModelConfig.parse("{\"task\": \"text-generation\", "
                + "\"architecture\": \"onnx-decoder\", \"artifacts\": {\"weights\": \"" + small + "\", \"tokenizer\": \"" + tokenizer + "\"}}"),
                artifacts)).contains("logits have 10 entries", "tokenizer has " + VOCAB);
        String classifier = artifacts.put("clf.onnx", org.chimp.models.onnx.TinyOnnx.flat(new float[][] {{1f}}, new float[] {0f}, false, 0));
        assertInvalid(() -> architectures.build(Tasks.TEXT_GENERATION, ModelConfig.parse("{\"task\": \"text-generation\", "
                + "\"architecture\": \"onnx-decoder\", \"artifacts\": {\"weights\": \"" + classifier + "\", \"tokenizer\": \"" + tokenizer + "\"}}"),
                artifacts)).contains("input_ids");
    }
}
