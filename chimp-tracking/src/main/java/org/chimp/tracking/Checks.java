package org.chimp.tracking;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.chimp.api.error.ClientErrorException;

/** MLflow's limits on what may be logged, checked before anything is written. */
final class Checks {
    static final int MAX_KEY_LENGTH = 250;
    static final int MAX_PARAM_VALUE_LENGTH = 6000;
    static final int MAX_TAG_VALUE_LENGTH = 8000;
    static final int MAX_BATCH_METRICS = 1000;
    static final int MAX_BATCH_PARAMS = 100;
    static final int MAX_BATCH_TAGS = 100;
    /** Artifact paths are keys of an index (PostgreSQL's btree entries hold at most about 2.7 KB). */
    static final int MAX_ARTIFACT_PATH_LENGTH = 1024;
    // Keys become file names in MLflow's file store and in exports, hence MLflow's restriction to path-safe characters.
    private static final Pattern KEY = Pattern.compile("[\\w./\\- ]+");

    private Checks() {
    }

    static void batch(List<Metric> metrics, Map<String, String> params, Map<String, String> tags) {
        if (metrics.size() > MAX_BATCH_METRICS || params.size() > MAX_BATCH_PARAMS || tags.size() > MAX_BATCH_TAGS) {
            throw ClientErrorException.invalid("A batch may hold at most " + MAX_BATCH_METRICS + " metrics, "
                    + MAX_BATCH_PARAMS + " params and " + MAX_BATCH_TAGS + " tags; got " + metrics.size() + ", "
                    + params.size() + " and " + tags.size() + ". Split it into several batches");
        }
        metrics.forEach(m -> key("metric", m.key()));
        params.forEach((k, v) -> value("param", key("param", k), v, MAX_PARAM_VALUE_LENGTH));
        tags.forEach((k, v) -> value("tag", key("tag", k), v, MAX_TAG_VALUE_LENGTH));
    }

    static String key(String what, String key) {
        if (key == null || key.isEmpty()) {
            throw ClientErrorException.invalid("A " + what + " needs a non-empty key");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw ClientErrorException.invalid("The " + what + " key '" + key.substring(0, 40) + "...' is longer than "
                    + MAX_KEY_LENGTH + " characters");
        }
        if (!KEY.matcher(key).matches() || !isRelativePath(key)) {
            throw ClientErrorException.invalid("Invalid " + what + " key '" + key + "': use letters, digits, '_', '-', "
                    + "'.', ' ' and '/', not starting with '/' and without '..' segments");
        }
        return key;
    }

    static void value(String what, String key, String value, int maxLength) {
        if (value == null) {
            throw ClientErrorException.invalid("The " + what + " '" + key + "' needs a value");
        }
        if (value.length() > maxLength) {
            throw ClientErrorException.invalid("The value of " + what + " '" + key + "' has " + value.length()
                    + " characters; at most " + maxLength + " are allowed");
        }
    }

    /** An artifact path: relative, '/'-separated, no empty, '.' or '..' segments. */
    static String artifactPath(String path) {
        if (path != null && path.length() > MAX_ARTIFACT_PATH_LENGTH) {
            throw ClientErrorException.invalid("The artifact path has " + path.length() + " characters; at most "
                    + MAX_ARTIFACT_PATH_LENGTH + " are allowed");
        }
        if (path == null || path.isBlank() || !isRelativePath(path) || path.contains("\\")) {
            throw ClientErrorException.invalid("Invalid artifact path '" + path + "': give a relative path such as "
                    + "'model/model.onnx', without '..', '.' or empty segments and without a leading '/'");
        }
        return path;
    }

    private static boolean isRelativePath(String path) {
        if (path.startsWith("/")) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
