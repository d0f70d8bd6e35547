package org.chimp.api.tensor;

import java.util.List;
import org.chimp.api.RunContext;

/**
 * A model that also takes its input already preprocessed, as a tensor (an image classifier fed {@code [N, F]} feature
 * vectors instead of images). Serving offers each Open Inference Protocol tensor here first, and converts it with the
 * task's input data type when the model does not accept it.
 *
 * @param <O> the task's output value
 */
public interface PreprocessedInput<O> {
    /** Whether this tensor is preprocessed input this model runs as it is (by datatype and rank, not by values). */
    boolean acceptsPreprocessed(Tensor tensor);

    /** Runs one output per batch item; a tensor that does not fit (wrong feature count) is a 400. */
    List<O> runPreprocessed(Tensor tensor, RunContext ctx);
}
