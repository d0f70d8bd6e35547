package org.chimp.tracking.search;

import java.util.Locale;
import org.chimp.api.error.ClientErrorException;

/** What an identifier in a filter or order_by refers to: {@code metrics.acc}, {@code params.lr}, ... */
public enum Entity {
    METRIC, PARAM, TAG, ATTRIBUTE;

    /** The entity of a prefix, with MLflow's synonyms ({@code metric}, {@code metrics}, {@code attr}, ...). */
    static Entity ofPrefix(String prefix) {
        return switch (prefix.toLowerCase(Locale.ROOT)) {
            case "metric", "metrics" -> METRIC;
            case "param", "params", "parameter", "parameters" -> PARAM;
            case "tag", "tags" -> TAG;
            case "attribute", "attributes", "attr", "run" -> ATTRIBUTE;
            default -> throw ClientErrorException.invalid("Invalid entity type '" + prefix + "'. Valid prefixes are "
                    + "'metrics.', 'params.', 'tags.' and 'attributes.'");
        };
    }

    /** The singular name MLflow's messages use. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
