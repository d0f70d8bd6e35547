package org.chimp.store;

import org.chimp.api.error.ClientErrorException;

/**
 * The rules every blob key follows, whatever the backend: relative, '/'-separated, no '.', '..' or empty
 * segments, no backslashes or control characters. Keys often carry user-chosen names (dataset files, artifact
 * paths), so a bad one is the caller's mistake.
 */
final class BlobKeys {
    /** Suffix of the files a write is staged in; keys may not use it, so listings never show half-written objects. */
    static final String TEMP_SUFFIX = ".chimp-part";

    private BlobKeys() {
    }

    /** Returns the key if valid, throws a 400 naming the problem otherwise. */
    static String check(String key) {
        String problem = problem(key, false);
        if (problem != null) {
            throw ClientErrorException.invalid("Invalid storage key '" + key + "': " + problem);
        }
        return key;
    }

    /** A prefix for listing: like a key, but may be empty and may end with '/'. */
    static String checkPrefix(String prefix) {
        String problem = problem(prefix, true);
        if (problem != null) {
            throw ClientErrorException.invalid("Invalid storage prefix '" + prefix + "': " + problem);
        }
        return prefix;
    }

    private static String problem(String key, boolean prefix) {
        if (key == null) {
            return "it is missing";
        }
        if (prefix && key.isEmpty()) {
            return null;
        }
        if (key.isEmpty()) {
            return "it is empty";
        }
        if (key.startsWith("/")) {
            return "keys are relative and must not start with '/'";
        }
        if (key.indexOf('\\') >= 0) {
            return "use '/' to separate segments, not '\\'";
        }
        String body = prefix && key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
        for (String segment : body.split("/", -1)) {
            if (segment.isEmpty()) {
                return "it has an empty segment";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "'.' and '..' segments are not allowed";
            }
            if (segment.endsWith(TEMP_SUFFIX)) {
                return "segments ending in '" + TEMP_SUFFIX + "' are reserved";
            }
            if (segment.chars().anyMatch(Character::isISOControl)) {
                return "it contains control characters";
            }
        }
        return null;
    }
}
