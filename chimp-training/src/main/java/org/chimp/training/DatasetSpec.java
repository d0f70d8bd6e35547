package org.chimp.training;

/** A dataset a plugin takes, under a key of its own choosing, as in CHIMP's PluginInfo. */
public record DatasetSpec(String name, String description, boolean optional) {
}
