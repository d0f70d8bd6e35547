package org.chimp.api.generation.image;

import org.chimp.api.error.ClientErrorException;

/** The rules a prompt's text follows at the task API, before any model sees it. */
final class PromptText {
    private PromptText() {
    }

    /**
     * Checks one prompt: at most {@code max} characters, no control characters besides tab and line breaks, no
     * broken UTF-16 (which would become replacement characters in the tokenizer and in logs).
     */
    static String check(String field, String text, int max) {
        if (text.length() > max) {
            throw ClientErrorException.invalid("'" + field + "' is " + text.length() + " characters long; at most " + max
                    + " are allowed");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r';
            boolean brokenSurrogate = Character.isHighSurrogate(c)
                    ? i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))
                    : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)));
            if (control || brokenSurrogate || c == '\uFFFD') {
                throw ClientErrorException.invalid("'" + field + "' contains a control character or invalid UTF-8 at position " + i);
            }
        }
        return text;
    }
}
