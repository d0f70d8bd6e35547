package org.chimp.api.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;

/**
 * How a caller's value appears in an error message: its JSON text, cut short. A message that echoed a whole
 * value would let one bad request of a megabyte produce a megabyte of error body (and log line).
 */
public final class Quote {
    /** The most characters of a value a message shows. */
    public static final int MAX_CHARS = 60;

    private Quote() {
    }

    /** The value's JSON text, at most {@value #MAX_CHARS} characters, with "..." where it was cut. */
    public static String json(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "nothing";
        }
        StringBuilder b = new StringBuilder();
        append(value, b);
        return b.length() <= MAX_CHARS ? b.toString() : b.substring(0, MAX_CHARS - 3) + "...";
    }

    /**
     * A caller's text (a file name, a query parameter) as a message shows it: control and format characters escaped
     * as {@code \\uXXXX} so they cannot forge log lines or hide text, at most 120 code points, with "…" where cut.
     */
    public static String text(String value) {
        StringBuilder b = new StringBuilder();
        value.codePoints().limit(120).forEach(cp -> {
            if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
                b.append(String.format("\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return value.codePointCount(0, value.length()) > 120 ? b + "…" : b.toString();
    }

    /** Appends JSON text until the builder is past the limit, so a huge value is never serialized whole. */
    private static void append(JsonNode n, StringBuilder b) {
        if (n.isTextual()) {
            String s = n.asText();
            b.append(TextNode.valueOf(s.length() > MAX_CHARS ? s.substring(0, MAX_CHARS) : s));
        } else if (n.isArray()) {
            b.append('[');
            for (int i = 0; i < n.size() && b.length() <= MAX_CHARS; i++) {
                b.append(i > 0 ? "," : "");
                append(n.get(i), b);
            }
            b.append(']');
        } else if (n.isObject()) {
            b.append('{');
            Iterator<Map.Entry<String, JsonNode>> fields = n.fields();
            for (boolean first = true; fields.hasNext() && b.length() <= MAX_CHARS; first = false) {
                Map.Entry<String, JsonNode> f = fields.next();
                b.append(first ? "" : ",");
                append(TextNode.valueOf(f.getKey()), b);
                b.append(':');
                append(f.getValue(), b);
            }
            b.append('}');
        } else {
            b.append(n);
        }
    }
}
