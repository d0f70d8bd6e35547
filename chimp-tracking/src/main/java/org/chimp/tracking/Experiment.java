package org.chimp.tracking;

import java.util.Map;

/** An experiment: a named group of runs. Ids are decimal strings, "0" being MLflow's "Default". */
public record Experiment(String id, String name, String artifactLocation, String lifecycleStage, long creationTime,
                         long lastUpdateTime, Map<String, String> tags) {
    public Experiment {
        tags = Map.copyOf(tags);
    }
}
