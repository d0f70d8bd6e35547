package org.chimp.api.tensor;

/**
 * A model that can tell its tensor inputs and outputs (an ONNX graph, a game agent with a fixed board encoding).
 * Serving shows them in its metadata and names predictions after {@link TensorSignature#output()}; models without
 * one are described by their task's data types alone.
 */
public interface HasTensorSignature {
    /** The model's tensors. */
    TensorSignature signature();

    /** The runtime, as the Open Inference Protocol's {@code platform} and MLflow's flavor name it. */
    default String platform() {
        return "chimp";
    }
}
