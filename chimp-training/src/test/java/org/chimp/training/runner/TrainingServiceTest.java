package org.chimp.training.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.param.ParameterSpec;
import org.chimp.api.param.ParameterType;
import org.chimp.jobs.Job;
import org.chimp.training.DatasetSpec;
import org.chimp.training.PluginInfo;
import org.chimp.training.TrainingContext;
import org.chimp.training.TrainingPlugin;
import org.chimp.training.TrainingResult;
import org.chimp.training.imageclassifier.ImageClassifierPlugin;
import org.junit.jupiter.api.Test;

class TrainingServiceTest {
    /** A plugin with a boolean argument, to show "False" is false. */
    static final class FlagPlugin implements TrainingPlugin {
        @Override
        public PluginInfo info() {
            return new PluginInfo("flag", "1", "test", List.of(ParameterSpec.required("fine_tune", ParameterType.BOOLEAN, "")),
                    List.of(new DatasetSpec("train", "", false), new DatasetSpec("extra", "", true)), null);
        }

        @Override
        public TrainingResult run(TrainingContext ctx) {
            throw new UnsupportedOperationException();
        }
    }

    /** A third-party plugin declaring its names as plain strings: they are checked as names all the same. */
    static final class PlainNamesPlugin implements TrainingPlugin {
        @Override
        public PluginInfo info() {
            return new PluginInfo("plain", "1", "test", List.of(
                    ParameterSpec.optional("model_name", ParameterType.STRING, "", null),
                    ParameterSpec.optional("experiment_name", ParameterType.STRING, "", null),
                    ParameterSpec.optional("note", ParameterType.STRING, "", null)),
                    List.of(new DatasetSpec("train", "", true)), null);
        }

        @Override
        public TrainingResult run(TrainingContext ctx) {
            throw new UnsupportedOperationException();
        }
    }

    private final FakeQueue queue = new FakeQueue().dataset("faces", 3).dataset("more", 1);
    private final TrainingService service = queue.service(new PluginRegistry(List.of(new ImageClassifierPlugin(), new FlagPlugin(), new PlainNamesPlugin())));

    @Test
    void queuesTypedArgumentsWithDefaultsAndPinnedDatasetVersions() {
        Job job = service.submit("image-classifier", Map.of("epochs", "5", "learning_rate", "0.05"), "{\"train\": \"faces\"}");
        assertThat(queue.submitted).hasSize(1);
        assertThat(queue.submitted.get(0).queue()).isEqualTo("training");
        assertThat(queue.submitted.get(0).type()).isEqualTo("training");
        ObjectNode payload = (ObjectNode) job.payload();
        assertThat(payload.get("plugin").asText()).isEqualTo("image-classifier");
        assertThat(payload.get("datasets").get("train").asText()).isEqualTo("faces@3");
        var args = payload.get("arguments");
        assertThat(args.get("epochs").isIntegralNumber()).isTrue();
        assertThat(args.get("epochs").asInt()).isEqualTo(5);
        assertThat(args.get("learning_rate").asDouble()).isEqualTo(0.05);
        assertThat(args.get("image_size").asInt()).isEqualTo(48);
        assertThat(args.get("model_name").asText()).isEqualTo("image-classifier");
        assertThat(service.task(job.id())).contains(job);
    }

    @Test
    void anExplicitVersionStaysAndFalseIsFalse() {
        Job job = service.submit("flag", Map.of("fine_tune", "False"), "{\"train\": \"faces@2\", \"extra\": \"more\"}");
        assertThat(job.payload().get("arguments").get("fine_tune").isBoolean()).isTrue();
        assertThat(job.payload().get("arguments").get("fine_tune").asBoolean()).isFalse();
        assertThat(job.payload().get("datasets").get("train").asText()).isEqualTo("faces@2");
        assertThat(job.payload().get("datasets").get("extra").asText()).isEqualTo("more@1");
    }

    @Test
    void aNonIntegerEpochCountIsA400AndQueuesNothing() {
        assertInvalid(() -> service.submit("image-classifier", Map.of("epochs", "abc"), "{\"train\": \"faces\"}"), "'epochs'", "int");
    }

    @Test
    void outOfBoundsAndUnknownArgumentsAre400s() {
        assertInvalid(() -> service.submit("image-classifier", Map.of("epochs", "0"), "{\"train\": \"faces\"}"), "at least 1");
        assertInvalid(() -> service.submit("image-classifier", Map.of("epoch", "3"), "{\"train\": \"faces\"}"), "'epoch' is not a parameter");
    }

    @Test
    void unknownMissingAndMalformedDatasetsAre400s() {
        assertInvalid(() -> service.submit("image-classifier", Map.of(), "{\"train\": \"faces\", \"valid\": \"faces\"}"),
                "'valid' is not a dataset", "train");
        assertInvalid(() -> service.submit("image-classifier", Map.of(), "{}"), "'train' is required");
        assertInvalid(() -> service.submit("image-classifier", Map.of(), null), "'train' is required");
        assertInvalid(() -> service.submit("image-classifier", Map.of(), "[\"faces\"]"), "JSON object");
        assertInvalid(() -> service.submit("image-classifier", Map.of(), "{train: faces"), "not valid JSON");
        assertInvalid(() -> service.submit("image-classifier", Map.of(), "{\"train\": 3}"), "must be a dataset name");
    }

    @Test
    void unknownDatasetAndUnknownPluginAre404s() {
        assertThatThrownBy(() -> service.submit("image-classifier", Map.of(), "{\"train\": \"nope\"}"))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThatThrownBy(() -> service.submit("nope", Map.of(), "{}"))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageContaining("image-classifier");
        assertThat(queue.submitted).isEmpty();
    }

    @Test
    void namesAreCheckedBeforeTheTaskIsQueued() {
        for (String plugin : List.of("image-classifier", "plain")) {
            String train = "{\"train\": \"faces\"}";
            assertInvalid(() -> service.submit(plugin, Map.of("model_name", "../../etc"), train),
                    "'model_name': Invalid model name '../../etc'");
            assertInvalid(() -> service.submit(plugin, Map.of("model_name", "a/b"), train), "'model_name'");
            assertInvalid(() -> service.submit(plugin, Map.of("experiment_name", "x".repeat(100_000)), train),
                    "'experiment_name'", "at most 500");
            assertInvalid(() -> service.submit(plugin, Map.of("experiment_name", "bad\nname"), train), "control character");
        }
        assertThatThrownBy(() -> service.submit("plain", Map.of("experiment_name", "x".repeat(100_000)), "{}"))
                .message().hasSizeLessThan(1000);
        Job ok = service.submit("plain", Map.of("model_name", "Faces (v2)", "experiment_name", "/Users/me/faces"), "{}");
        assertThat(ok.payload().get("arguments").get("model_name").asText()).isEqualTo("Faces (v2)");
    }

    @Test
    void everyStringArgumentIsBounded() {
        assertInvalid(() -> service.submit("plain", Map.of("note", "n".repeat(100_000)), "{}"), "'note': at most 4096");
        assertThatThrownBy(() -> service.submit("plain", Map.of("note", "n".repeat(100_000)), "{}"))
                .message().hasSizeLessThan(1000);
    }

    @Test
    void malformedDatasetReferencesAre400sWithShortMessages() {
        assertInvalid(() -> service.submit("image-classifier", Map.of(), "{\"train\": \"../faces\"}"),
                "dataset 'train'", "Invalid dataset name '../faces'");
        assertInvalid(() -> service.submit("image-classifier", Map.of(), "{\"train\": \"faces@v2\"}"),
                "dataset 'train'", "version after '@'");
        assertInvalid(() -> service.submit("image-classifier", Map.of(), "{\"train\": \"faces@99999999999\"}"),
                "version after '@'");
        String huge = "{\"train\": \"" + "f".repeat(100_000) + "\", \"" + "k".repeat(10_000) + "\": \"faces\"}";
        assertInvalid(() -> service.submit("image-classifier", Map.of(), huge), "dataset 'train'", "at most 64");
        assertThatThrownBy(() -> service.submit("image-classifier", Map.of(), huge)).message().hasSizeLessThan(2000);
    }

    private void assertInvalid(Runnable call, String... fragments) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(400))
                .message().contains(fragments);
        assertThat(queue.submitted).isEmpty();
    }
}
