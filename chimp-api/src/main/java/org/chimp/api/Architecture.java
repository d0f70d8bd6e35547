package org.chimp.api;

import java.util.List;
import org.chimp.api.param.ParameterSpec;

/**
 * A named implementation of one task: it declares the parameters its {@link ModelConfig} may carry and builds a
 * {@link Model} from a validated config. Implementations are found with {@link java.util.ServiceLoader}, so a
 * third party adds one by dropping a jar with a {@code META-INF/services/org.chimp.api.Architecture} entry.
 */
public interface Architecture<I, O> {
    /** The name a model config refers to, e.g. {@code onnx-classifier}. */
    String name();

    /** The task this architecture implements. */
    Task<I, O> task();

    /** The parameters a config may set; anything else is rejected. */
    List<ParameterSpec> parameters();

    /** The artifact names the config must reference, e.g. {@code weights}. */
    List<String> requiredArtifacts();

    /**
     * Builds a model. {@code config.parameters()} has already been validated against {@link #parameters()}
     * with defaults filled in; artifacts are resolved (and hash-checked) through {@code artifacts}.
     */
    Model<I, O> build(ModelConfig config, ArtifactResolver artifacts);
}
