package org.chimp.models.onnx;

import java.util.List;

/**
 * One input or output of a model as MLflow's tensor signatures describe it.
 *
 * @param dtype numpy-style element type, e.g. {@code float32}
 * @param shape the dimensions, -1 where the model leaves one open (usually the batch)
 */
public record TensorSpec(String name, String dtype, List<Long> shape) {
    public TensorSpec {
        shape = List.copyOf(shape);
    }
}
