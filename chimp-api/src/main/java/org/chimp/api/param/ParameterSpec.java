package org.chimp.api.param;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One declared parameter: its name, type, description, whether it may be left out, and the value used then.
 * Bounds are optional and apply to numbers.
 */
public record ParameterSpec(String name, ParameterType type, String description, boolean optional,
                            JsonNode defaultValue, Double min, Double max) {

    public ParameterSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        description = description == null ? "" : description;
    }

    /** A parameter the caller must give. */
    public static ParameterSpec required(String name, ParameterType type, String description) {
        return new ParameterSpec(name, type, description, false, null, null, null);
    }

    /** A parameter with a default, used when the caller leaves it out. */
    public static ParameterSpec optional(String name, ParameterType type, String description, JsonNode defaultValue) {
        return new ParameterSpec(name, type, description, true, defaultValue, null, null);
    }

    /** The same parameter limited to [min, max] (either may be null). */
    public ParameterSpec between(Double min, Double max) {
        return new ParameterSpec(name, type, description, optional, defaultValue, min, max);
    }
}
