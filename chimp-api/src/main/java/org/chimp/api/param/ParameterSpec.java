package org.chimp.api.param;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One declared parameter: its name, type, description, whether it may be left out, and the value used then.
 * Bounds are optional and apply to numbers; a string parameter may say what kind of text it holds (a model name,
 * an experiment name, ...), which is then checked with {@link org.chimp.api.Names} when a value is given.
 */
public record ParameterSpec(String name, ParameterType type, String description, boolean optional,
                            JsonNode defaultValue, Double min, Double max, TextKind textKind) {

    public ParameterSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        description = description == null ? "" : description;
        textKind = textKind == null ? TextKind.TEXT : textKind;
        if (textKind != TextKind.TEXT && type != ParameterType.STRING) {
            throw new IllegalArgumentException("Parameter '" + name + "': only a string can be a " + textKind);
        }
    }

    /** A parameter of free text (if a string), as declared before text kinds existed. */
    public ParameterSpec(String name, ParameterType type, String description, boolean optional, JsonNode defaultValue,
                         Double min, Double max) {
        this(name, type, description, optional, defaultValue, min, max, TextKind.TEXT);
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
        return new ParameterSpec(name, type, description, optional, defaultValue, min, max, textKind);
    }

    /** The same string parameter holding text of this kind (a model name, ...). */
    public ParameterSpec holding(TextKind kind) {
        return new ParameterSpec(name, type, description, optional, defaultValue, min, max, kind);
    }
}
