package org.chimp.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import org.chimp.api.classification.Classification;
import org.chimp.api.image.Image;
import org.chimp.api.param.ParameterSpec;
import org.chimp.api.param.ParameterType;

/** A test architecture found through META-INF/services: its model always answers "dog" with the config's score. */
public class FakeArchitecture implements Architecture<Image, Classification> {
    public static final String NAME = "fake-classifier";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Task<Image, Classification> task() {
        return Tasks.IMAGE_CLASSIFICATION;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.optional("score", ParameterType.NUMBER, "probability of dog", JsonNodeFactory.instance.numberNode(0.75))
                        .between(0.0, 1.0),
                ParameterSpec.optional("top_k", ParameterType.INTEGER, "labels returned", null));
    }

    @Override
    public List<String> requiredArtifacts() {
        return List.of("weights");
    }

    @Override
    public Model<Image, Classification> build(ModelConfig config, ArtifactResolver artifacts) {
        artifacts.resolve(config.artifacts().get("weights"));
        float score = (float) config.parameters().get("score").asDouble();
        return new Model<>() {
            @Override
            public Classification run(Image input, RunContext ctx) {
                return new Classification(List.of("cat", "dog"), new float[] {1 - score, score});
            }

            @Override
            public void close() {
            }
        };
    }
}
