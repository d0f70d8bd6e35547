package org.chimp.api.param;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.chimp.api.error.ClientErrorException;

/**
 * Validates given values against declared parameters and returns them typed, with defaults filled in. All
 * problems are collected into one message so a caller can fix a request in one go.
 */
public final class Parameters {
    /** The longest string value accepted (a name kind may allow less; see {@link TextKind}). */
    public static final int MAX_TEXT = 4096;

    private Parameters() {
    }

    /** Validates form-field text (every value a string), as the training API receives arguments. */
    public static ObjectNode fromText(Collection<ParameterSpec> specs, Map<String, String> given, String what) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        given.forEach(json::put);
        return validate(specs, json, what, true);
    }

    /**
     * Validates JSON values. Unknown names, missing required ones, values of the wrong type and values out of
     * bounds are errors; {@code what} names the owner in messages ("plugin 'image-classifier'").
     */
    public static ObjectNode validate(Collection<ParameterSpec> specs, JsonNode given, String what) {
        return validate(specs, given, what, false);
    }

    /** {@code fromText}: every value is form text, so a json parameter's text is parsed rather than kept as a string. */
    private static ObjectNode validate(Collection<ParameterSpec> specs, JsonNode given, String what, boolean fromText) {
        List<String> problems = new ArrayList<>();
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        Set<String> known = new TreeSet<>();
        for (ParameterSpec spec : specs) {
            known.add(spec.name());
            JsonNode raw = given == null ? null : given.get(spec.name());
            // An empty form field is a value left out, except for free text (where "" may mean something).
            boolean emptyText = raw != null && raw.isTextual() && raw.asText().isEmpty()
                    && (spec.type() != ParameterType.STRING || spec.textKind() != TextKind.TEXT);
            if (raw == null || raw.isNull() || emptyText) {
                if (!spec.optional()) {
                    problems.add("'" + spec.name() + "' is required (" + spec.type().wireName() + ": " + spec.description() + ")");
                } else if (spec.defaultValue() != null && !spec.defaultValue().isNull()) {
                    out.set(spec.name(), spec.defaultValue().deepCopy());
                }
                continue;
            }
            JsonNode value = fromText ? spec.type().parseText(raw.asText()) : spec.type().coerce(raw);
            if (value == null) {
                problems.add("'" + spec.name() + "' must be of type " + spec.type().wireName() + ", got " + shown(raw));
                continue;
            }
            if (value.isTextual() && spec.type() == ParameterType.STRING) {
                String problem = textProblem(spec, value.asText());
                if (problem != null) {
                    problems.add("'" + spec.name() + "': " + problem);
                    continue;
                }
            }
            if (value.isNumber() && spec.min() != null && value.asDouble() < spec.min()) {
                problems.add("'" + spec.name() + "' must be at least " + format(spec.min()) + ", got " + value);
                continue;
            }
            if (value.isNumber() && spec.max() != null && value.asDouble() > spec.max()) {
                problems.add("'" + spec.name() + "' must be at most " + format(spec.max()) + ", got " + value);
                continue;
            }
            // A copy, so callers changing the result cannot change the declared default or their own input.
            out.set(spec.name(), value.deepCopy());
        }
        if (given != null) {
            given.fieldNames().forEachRemaining(name -> {
                if (!known.contains(name)) {
                    problems.add("'" + name + "' is not a parameter of " + what + " (known: " + String.join(", ", known) + ")");
                }
            });
        }
        if (!problems.isEmpty()) {
            throw ClientErrorException.invalid("Invalid parameters for " + what + ": " + String.join("; ", problems));
        }
        return out;
    }

    /** Why a string value is not acceptable (too long, or not of the declared kind); null if it is. */
    private static String textProblem(ParameterSpec spec, String text) {
        if (spec.textKind() == TextKind.TEXT && text.length() > MAX_TEXT) {
            return "at most " + MAX_TEXT + " characters are allowed, got " + text.length();
        }
        try { // a name kind has its own, smaller, length limit
            spec.textKind().check(text);
            return null;
        } catch (ClientErrorException e) {
            return e.getMessage();
        }
    }

    /** A given value as echoed in a message: cut short, so a huge value does not make a huge answer. */
    private static String shown(JsonNode raw) {
        String text = raw.toString();
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }

    private static String format(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
