package org.chimp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.chimp.api.classification.Classification;
import org.chimp.api.classification.ClassificationDataType;
import org.chimp.api.image.Image;
import org.chimp.api.image.ImageDataType;
import org.junit.jupiter.api.Test;

class ArchitecturesTest {
    private static final String TASK = Tasks.IMAGE_CLASSIFICATION.id();
    private static final Map<String, String> WEIGHTS = Map.of("weights", ModelConfigTest.REF);
    private static final Image PIXEL = new Image(1, 1, 1, new float[] {0.5f});

    private final Architectures archs = Architectures.load();
    private final List<String> resolved = new ArrayList<>();
    private final ArtifactResolver resolver = ref -> {
        resolved.add(ref);
        return Path.of("weights.bin");
    };

    private static ModelConfig config(String params) {
        return ModelConfig.parse("{\"task\": \"" + TASK + "\", \"architecture\": \"" + FakeArchitecture.NAME
                + "\", \"artifacts\": {\"weights\": \"" + ModelConfigTest.REF + "\"}" + params + "}");
    }

    @Test
    void loadFindsServiceLoaderEntries() {
        assertThat(archs.all()).hasAtLeastOneElementOfType(FakeArchitecture.class);
        assertThat(archs.find(TASK, FakeArchitecture.NAME)).isInstanceOf(FakeArchitecture.class);
    }

    @Test
    void findUnknownArchitectureListsAvailable() {
        assertInvalid(() -> archs.find(TASK, "nope")).contains("'nope'", "available: ", FakeArchitecture.NAME);
    }

    @Test
    void findUnknownTaskListsKnownTasks() {
        assertInvalid(() -> archs.find("speech", FakeArchitecture.NAME)).contains("'speech'", "image-classification");
    }

    @Test
    void validateFillsDefaults() {
        ModelConfig valid = archs.validate(config(""));
        assertThat(valid.parameters().get("score").asDouble()).isEqualTo(0.75);
        assertThat(valid.parameters().has("top_k")).isFalse();
        assertThat(valid.artifacts()).isEqualTo(WEIGHTS);
        assertThat(archs.validate(config(", \"top_k\": \"2\"")).parameters().get("top_k").asInt()).isEqualTo(2);
    }

    @Test
    void validateRejectsMissingArtifacts() {
        ModelConfig noWeights = new ModelConfig(TASK, FakeArchitecture.NAME, Map.of("other", ModelConfigTest.REF), null);
        assertInvalid(() -> archs.validate(noWeights)).contains("needs artifacts [weights]");
    }

    @Test
    void validateRejectsBadParameters() {
        assertInvalid(() -> archs.validate(config(", \"score\": \"high\"")))
                .contains("architecture 'fake-classifier'", "'score' must be of type float");
        assertInvalid(() -> archs.validate(config(", \"score\": 1.5"))).contains("'score' must be at most 1");
        assertInvalid(() -> archs.validate(config(", \"scor\": 0.1"))).contains("known: score, top_k");
    }

    @Test
    void buildRunsValidatedConfig() {
        Model<Image, Classification> model = archs.build(Tasks.IMAGE_CLASSIFICATION, config(", \"score\": 0.9"), resolver);
        Classification c = model.run(PIXEL, RunContext.defaults());
        assertThat(c.bestLabel()).isEqualTo("dog");
        assertThat(c.probabilities()[1]).isEqualTo(0.9f);
        assertThat(resolved).containsExactly(ModelConfigTest.REF);
    }

    @Test
    void buildUsesDefaults() {
        Model<Image, Classification> model = archs.build(Tasks.IMAGE_CLASSIFICATION, config(""), resolver);
        assertThat(model.run(PIXEL, RunContext.defaults()).probabilities()).containsExactly(0.25f, 0.75f);
    }

    @Test
    void buildRejectsConfigOfAnotherTask() {
        Task<Image, Classification> other = new Task<>("image-tagging", "other", new ImageDataType(),
                new ClassificationDataType(), OptionalInt.empty());
        assertInvalid(() -> archs.build(other, config(""), resolver)).contains("'image-tagging'", "'" + TASK + "'");
        assertThat(resolved).isEmpty();
    }

    @Test
    void buildRejectsInvalidConfigBeforeResolvingArtifacts() {
        assertInvalid(() -> archs.build(Tasks.IMAGE_CLASSIFICATION, config(", \"score\": -1"), resolver));
        assertThat(resolved).isEmpty();
    }

    @Test
    void defaultRunBatchRunsEachInputInOrder() {
        AtomicInteger calls = new AtomicInteger();
        Model<Integer, String> model = new Model<>() {
            @Override
            public String run(Integer input, RunContext ctx) {
                calls.incrementAndGet();
                return "#" + input;
            }

            @Override
            public void close() {
            }
        };
        assertThat(model.runBatch(List.of(3, 1, 2), RunContext.defaults())).containsExactly("#3", "#1", "#2");
        assertThat(calls).hasValue(3);
        assertThat(model.runBatch(List.of(), RunContext.defaults())).isEmpty();
    }

    @Test
    void emptyRegistryFindsNothing() {
        Architectures none = new Architectures(List.of());
        assertThat(none.all()).isEmpty();
        assertInvalid(() -> none.find(TASK, FakeArchitecture.NAME)).contains("available: ");
    }
}
