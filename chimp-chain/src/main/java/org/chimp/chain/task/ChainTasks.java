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
 * the JSON CHIMP's {@code /infer} returns; {@code game-move} runs {@link GameMoveAgent}; any other task runs through
 * its data types' byte forms (text-to-image: a UTF-8 prompt in, a PNG out) when a {@link BytesRunner} is given. Tasks
 * without byte forms are failed on chain (the requester is refunded), as are inputs the task cannot read.
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

    /**
     * Runs a CHIMP model of the given task on a job's input bytes, read and written by the task's data types
     * ({@code DataType.fromBytes} / {@code toBytes}); a ClientErrorException when the input or the model does not fit.
     */
    @FunctionalInterface
    public interface BytesRunner {
        byte[] run(String task, ModelRef model, byte[] input, long seed);
    }

    private final Classifier classifier;
    private final BytesRunner runner;

    /** Image classification and game moves only. */
    public ChainTasks(Classifier classifier) {
        this(classifier, null);
    }

    public ChainTasks(Classifier classifier, BytesRunner runner) {
        this.classifier = classifier;
        this.runner = runner;
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
                if (runner == null) {
                    throw new ModelFailure("task '" + model.task() + "' cannot be run on chain");
                }
                ModelRef chimpModel = ModelRef.parse(model.configUri())
                        .orElseThrow(() -> new ModelFailure("model " + model.id() + " has no CHIMP model reference"));
                try {
                    return runner.run(model.task(), chimpModel, input, seed.longValue());
                } catch (ClientErrorException e) {
                    // no byte form, an unreadable input, or a model that is gone: retrying cannot help
                    throw new ModelFailure(e.getMessage());
                }
        }
    }
}
