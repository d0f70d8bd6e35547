package org.chimp.training.http;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;
import org.chimp.training.triggers.Trigger;

/**
 * A retraining trigger as the trigger endpoints show it.
 *
 * @param createdAt epoch milliseconds, as stored
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TriggerView(String id, String dataset, String datasetKey, String plugin, Map<String, String> arguments,
                          long minNewFiles, int seenVersion, long seenFileCount, String lastTaskId, long createdAt) {

    public static TriggerView of(Trigger t) {
        return new TriggerView(t.id(), t.dataset(), t.datasetKey(), t.plugin(), t.arguments(), t.minNewFiles(),
                t.seenVersion(), t.seenFileCount(), t.lastTaskId(), t.createdAt());
    }
}
