package org.chimp.api.text;

import java.util.List;
import org.chimp.api.error.ClientErrorException;

/**
 * One or more texts sent together. {@code single} remembers that the caller sent a bare string rather than a list,
 * so an answer can mirror the request's shape.
 */
public record Texts(List<String> values, boolean single) {
    public Texts {
        values = List.copyOf(values);
        if (values.isEmpty()) {
            throw ClientErrorException.invalid("At least one text is needed: send \"inputs\": \"text\" or a non-empty list of strings");
        }
        if (single && values.size() != 1) {
            throw new IllegalArgumentException("a single text holds exactly one value, got " + values.size());
        }
    }

    /** One text. */
    public static Texts of(String text) {
        return new Texts(List.of(text), true);
    }

    /** A list of texts. */
    public static Texts of(List<String> texts) {
        return new Texts(texts, false);
    }

    /** How many texts. */
    public int size() {
        return values.size();
    }
}
