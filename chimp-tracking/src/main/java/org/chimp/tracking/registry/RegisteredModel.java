package org.chimp.tracking.registry;

import java.util.Map;

/**
 * A registered model: a name its versions share.
 *
 * @param aliases alias to version number
 */
public record RegisteredModel(String name, String description, long creationTimestamp, long lastUpdatedTimestamp,
                              Map<String, String> tags, Map<String, Integer> aliases) {
    public RegisteredModel {
        tags = Map.copyOf(tags);
        aliases = Map.copyOf(aliases);
    }
}
