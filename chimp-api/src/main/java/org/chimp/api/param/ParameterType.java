package org.chimp.api.param;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Locale;

/**
 * The types a declared parameter can have. Each parses the text a form field carries and checks a JSON value,
 * so that "False" is false and "abc" for an integer is an error, which CHIMP's original plugins got wrong.
 */
public enum ParameterType {
    STRING("str"),
    INTEGER("int"),
    NUMBER("float"),
    BOOLEAN("bool"),
    /** Any JSON value (list or object), given as JSON text in a form field. */
    JSON("json");

    // Trailing text must fail: "[1] abc" is not JSON, though a plain ObjectMapper would read it as [1].
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final String wireName;

    ParameterType(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in PluginInfo JSON, Python-style as in CHIMP's originals ("int", "float", "bool", ...). */
    public String wireName() {
        return wireName;
    }

    /** Finds a type by its wire name or enum name, case-insensitively. */
    public static ParameterType of(String name) {
        for (ParameterType t : values()) {
            if (t.wireName.equalsIgnoreCase(name) || t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown parameter type '" + name + "'");
    }

    /**
     * Parses a form field's text. Returns null and sets nothing when the text is not of this type; the caller
     * turns that into a message naming the parameter.
     */
    public JsonNode parseText(String text) {
        String t = text.trim();
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (this) {
            case STRING:
                return f.textNode(text);
            case INTEGER:
                try {
                    return f.numberNode(Long.parseLong(t));
                } catch (NumberFormatException e) {
                    return null;
                }
            case NUMBER:
                try {
                    double d = Double.parseDouble(t);
                    return Double.isFinite(d) ? f.numberNode(d) : null;
                } catch (NumberFormatException e) {
                    return null;
                }
            case BOOLEAN:
                switch (t.toLowerCase(Locale.ROOT)) {
                    case "true": case "1": case "yes": case "on": return f.booleanNode(true);
                    case "false": case "0": case "no": case "off": return f.booleanNode(false);
                    default: return null;
                }
            default:
                try {
                    JsonNode n = MAPPER.readTree(t);
                    return n.isMissingNode() ? null : n;
                } catch (Exception e) {
                    return null;
                }
        }
    }

    /** Checks a JSON value, converting text with {@link #parseText} so "3" is accepted for an integer. */
    public JsonNode coerce(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        switch (this) {
            case STRING:
                return value.isTextual() ? value : null;
            case INTEGER:
                if (value.isIntegralNumber()) {
                    return value;
                }
                if (value.isNumber() && value.asDouble() == Math.rint(value.asDouble())) {
                    return JsonNodeFactory.instance.numberNode(value.asLong());
                }
                return value.isTextual() ? parseText(value.asText()) : null;
            case NUMBER:
                if (value.isNumber()) {
                    return Double.isFinite(value.asDouble()) ? value : null;
                }
                return value.isTextual() ? parseText(value.asText()) : null;
            case BOOLEAN:
                if (value.isBoolean()) {
                    return value;
                }
                return value.isTextual() ? parseText(value.asText()) : null;
            default:
                return value;
        }
    }
}
