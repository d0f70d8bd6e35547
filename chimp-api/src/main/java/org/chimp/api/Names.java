package org.chimp.api;

import java.util.regex.Pattern;
import org.chimp.api.error.ClientErrorException;

/**
 * The one place that says what a name may be, checked where a name enters CHIMP (REST, form fields, plugin
 * arguments, zip entries) so that nothing is queued or stored under a name that later fails or that no URL can
 * reach. Every rule refuses control characters, the replacement character left by invalid UTF-8, path separators
 * in names that become URL segments or file names, and over-long values.
 */
public final class Names {
    /** Registered model names: URL path segments ({@code /model/{name}/infer}), MLflow's 256-character limit. */
    public static final int MODEL_NAME_MAX = 256;
    /** Experiment names: free text (MLflow allows {@code /Users/me/x}), bounded as MLflow's column is. */
    public static final int EXPERIMENT_NAME_MAX = 500;
    /** Dataset names: also store keys and directory names. */
    public static final int DATASET_NAME_MAX = 64;
    /**
     * Labels: directory names in a dataset zip. 100 characters can still be 400 UTF-8 bytes, over a file system's
     * 255-byte name limit, so the dataset zip reader also bounds every path segment in bytes.
     */
    public static final int LABEL_MAX = 100;
    /** User ids ({@code ?id=}, calibration): URL query values and tag values. */
    public static final int USER_MAX = 64;

    private static final Pattern MODEL = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}\\p{M}._ +()-]*");
    private static final Pattern DATASET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern LABEL = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}\\p{M}._ +-]*");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]*");

    private Names() {
    }

    /** A registered model name: letters, digits, {@code . _ - + ( )} and inner spaces, at most 256 characters. */
    public static String modelName(String name) {
        return check("model name", name, MODEL, MODEL_NAME_MAX,
                "letters, digits, spaces and . _ - + ( ), starting with a letter or digit");
    }

    /** An experiment name: any printable text without leading or trailing spaces, at most 500 characters. */
    public static String experimentName(String name) {
        return check("experiment name", name, null, EXPERIMENT_NAME_MAX, "printable text");
    }

    /** A dataset name: ASCII letters, digits and {@code . _ -}, at most 64 characters. */
    public static String datasetName(String name) {
        return check("dataset name", name, DATASET, DATASET_NAME_MAX, "ASCII letters, digits and . _ -, starting with a letter or digit");
    }

    /** A label (a class name, a folder in a dataset): letters, digits, {@code . _ - +} and inner spaces. */
    public static String label(String name) {
        return check("label", name, LABEL, LABEL_MAX, "letters, digits, spaces and . _ - +, starting with a letter or digit");
    }

    /** A user id: ASCII letters, digits and {@code . _ - @}, at most 64 characters. */
    public static String user(String name) {
        return check("user id", name, USER, USER_MAX, "ASCII letters, digits and . _ - @, starting with a letter or digit");
    }

    private static String check(String kind, String value, Pattern allowed, int max, String rule) {
        if (value == null || value.isEmpty()) {
            throw ClientErrorException.invalid("A " + kind + " is required");
        }
        if (value.length() > max) {
            throw ClientErrorException.invalid("The " + kind + " is " + value.length() + " characters long; at most " + max + " are allowed");
        }
        String shown = "'" + printable(value) + "'";
        if (!value.equals(value.strip())) {
            throw ClientErrorException.invalid("The " + kind + " " + shown + " has leading or trailing spaces; remove them");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\uFFFD' || Character.getType(c) == Character.FORMAT
                    || Character.isSurrogate(c) && !validSurrogatePair(value, i)) {
                throw ClientErrorException.invalid("The " + kind + " " + shown + " contains a control character or invalid UTF-8 at position " + i);
            }
        }
        if (value.equals(".") || value.equals("..") || allowed != null && !allowed.matcher(value).matches()) {
            throw ClientErrorException.invalid("Invalid " + kind + " " + shown + ": use " + rule + " (at most " + max + " characters)");
        }
        return value;
    }

    private static boolean validSurrogatePair(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /** The value as it may be echoed in a message: control characters escaped, cut at 80 characters. */
    private static String printable(String value) {
        StringBuilder b = new StringBuilder();
        value.codePoints().limit(80).forEach(cp -> {
            if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
                b.append(String.format("\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return value.length() > 80 ? b + "…" : b.toString();
    }
}
