package org.chimp.tracking;

import java.util.List;
import java.util.Map;

/**
 * A run with its data, as MLflow returns it.
 *
 * @param metrics the latest value of every metric (highest step, then timestamp)
 */
public record Run(RunInfo info, List<Metric> metrics, Map<String, String> params, Map<String, String> tags) {
    public Run {
        metrics = List.copyOf(metrics);
        params = Map.copyOf(params);
        tags = Map.copyOf(tags);
    }
}
