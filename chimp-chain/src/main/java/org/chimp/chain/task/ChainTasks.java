package org.chimp.chain.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import org.chimp.api.Tasks;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.Image;
import org.chimp.chain.OracleCalls.ChainModel;
import org.chimp.chain.sequencer.ChainInference;
import org.chimp.chain.sequencer.ModelFailure;

/**
 * Runs on-chain jobs by their model's task: {@code image-classification} takes the image file's bytes and answers
 * the JSON CHIMP's {@code /infer} returns; {@code game-move} runs {@link GameMoveAgent}. Other tasks are failed on
 * chain (the requester is refunded), as are inputs the task cannot read.
 */
public final class ChainTasks implements ChainInference {
    public static final String IMAGE_CLASSIFICATION = "image-classification";
    public static final String GAME_MOVE = "game-move";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Classifies an image with a CHIMP model, answering what {@code /infer} would for it. */
    @FunctionalInterface
    public interface Classifier {
        JsonNode classify(ModelRef model, Image image, long seed);
    }

    private final Classifier classifier;

    public ChainTasks(Classifier classifier) {
        this.classifier = classifier;
    }

    @Override
    public byte[] run(ChainModel model, byte[] input, BigInteger seed) throws Exception {
        switch (model.task()) {
            case GAME_MOVE:
                return GameMoveAgent.move(input);
            case IMAGE_CLASSIFICATION:
                ModelRef ref = ModelRef.parse(model.configUri())
                        .orElseThrow(() -> new ModelFailure("model " + model.id() + " has no CHIMP model reference"));
                Image image;
                try {
                    image = Tasks.IMAGE_CLASSIFICATION.input().fromBytes(input);
                } catch (ClientErrorException e) {
                    throw new ModelFailure("input is not a readable image: " + e.getMessage());
                }
                try {
                    return JSON.writeValueAsBytes(classifier.classify(ref, image, seed.longValue()));
                } catch (ClientErrorException e) {
                    // the model is gone, or the input does not fit it: retrying cannot help
                    throw new ModelFailure(e.getMessage());
                }
            default:
                throw new ModelFailure("task '" + model.task() + "' cannot be run on chain");
        }
    }
}
