package org.chimp.api.tensor;

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

    /** The Open Inference Protocol's name for the element type, e.g. {@code FP32}. */
    public String oipDatatype() {
        return switch (dtype) {
            case "float32" -> "FP32";
            case "float64" -> "FP64";
            case "uint8" -> "UINT8";
            case "int8" -> "INT8";
            case "int16" -> "INT16";
            case "int32" -> "INT32";
            case "int64" -> "INT64";
            case "bool" -> "BOOL";
            default -> "BYTES";
        };
    }
}
