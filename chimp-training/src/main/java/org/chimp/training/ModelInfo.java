package org.chimp.training;

import java.util.Map;
import org.chimp.api.ModelConfig;

/**
 * A registered model version as plugins see it, free of the registry's classes.
 *
 * @param stage  None, Staging, Production or Archived
 * @param config what serving builds the model from (null for versions registered without one)
 */
public record ModelInfo(String name, int version, String stage, String runId, ModelConfig config, Map<String, String> tags) {
    public ModelInfo {
        tags = Map.copyOf(tags);
    }
}
