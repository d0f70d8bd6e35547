package org.chimp.models.onnx;

import java.util.List;

/** The inputs and outputs of a loaded ONNX model, for serving's metadata endpoints. */
public record Signature(List<TensorSpec> inputs, List<TensorSpec> outputs) {
    public Signature {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
