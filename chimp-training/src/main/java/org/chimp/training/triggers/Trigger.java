package org.chimp.training.triggers;

import java.util.Map;

/**
 * A watched dataset: when a version newer than {@code seenVersion} has at least {@code minNewFiles} more files than
 * the version last seen, the plugin is run on it with these arguments.
 *
 * @param datasetKey    the plugin's dataset key the new version is given under
 * @param arguments     the plugin's arguments as text, as a form would send them
 * @param seenVersion   the newest version already accounted for (0: none yet)
 * @param seenFileCount its file count
 * @param lastTaskId    the task the trigger started last, or null
 */
public record Trigger(String id, String dataset, String datasetKey, String plugin, Map<String, String> arguments,
                      long minNewFiles, int seenVersion, long seenFileCount, String lastTaskId, long createdAt) {
    public Trigger {
        arguments = Map.copyOf(arguments);
    }
}
