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

    private final FakeQueue queue = new FakeQueue().dataset("faces", 3).dataset("more", 1);
    private final TrainingService service = queue.service(new PluginRegistry(List.of(new ImageClassifierPlugin(), new FlagPlugin())));

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

    private void assertInvalid(Runnable call, String... fragments) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(400))
                .message().contains(fragments);
        assertThat(queue.submitted).isEmpty();
    }
}
