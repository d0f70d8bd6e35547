package org.chimp.api.tensor;

import java.util.List;

/**
 * The tensor inputs and outputs of a loaded model, for serving's metadata endpoints.
 *
 * @param output the output whose values are the task's output (it names the predictions), one of {@code outputs}
 */
public record TensorSignature(List<TensorSpec> inputs, List<TensorSpec> outputs, String output) {
    public TensorSignature {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** A signature whose task output is its first output. */
    public TensorSignature(List<TensorSpec> inputs, List<TensorSpec> outputs) {
        this(inputs, outputs, outputs.isEmpty() ? null : outputs.get(0).name());
    }
}
