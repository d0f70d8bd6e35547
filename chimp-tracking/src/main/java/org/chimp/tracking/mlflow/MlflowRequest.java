package org.chimp.tracking.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chimp.api.error.ClientErrorException;
import org.chimp.http.Requests;

/**
 * An MLflow request's fields, wherever they came from: GET endpoints take query parameters (repeated for lists),
 * POST endpoints a JSON body, as MLflow's server does.
 */
final class MlflowRequest {
    private final ObjectNode fields;
    private final int bodySize;

    MlflowRequest(ObjectNode fields) {
        this(fields, 0);
    }

    private MlflowRequest(ObjectNode fields, int bodySize) {
        this.fields = fields;
        this.bodySize = bodySize;
    }

    /** Query parameters for GET, and for other methods sent without a body (MLflow clients send DELETE both ways). */
    static MlflowRequest of(Context ctx) {
        if (ctx.method() == HandlerType.GET || Requests.isBlank(ctx.bodyAsBytes())) {
            ObjectNode fields = JsonNodeFactory.instance.objectNode();
            ctx.queryParamMap().forEach((name, values) -> {
                if (values.size() == 1) {
                    fields.put(name, values.get(0));
                } else {
                    ArrayNode a = fields.putArray(name);
                    values.forEach(a::add);
                }
            });
            return new MlflowRequest(fields);
        }
        JsonNode body = Requests.jsonBody(ctx);
        if (!body.isObject()) {
            throw ClientErrorException.invalid("The request body must be a JSON object");
        }
        return new MlflowRequest((ObjectNode) body, ctx.bodyAsBytes().length);
    }

    /** The size in bytes of the JSON body the fields came from (0 for query parameters). */
    int bodySize() {
        return bodySize;
    }

    /** A field that must be present and non-empty. */
    String required(String name) {
        String v = optional(name);
        if (v == null || v.isEmpty()) {
            throw missing(name);
        }
        return v;
    }

    /** The first of several names MLflow accepts for one field ({@code run_id}, then {@code run_uuid}). */
    String required(String name, String alias) {
        String v = optional(name);
        return v == null || v.isEmpty() ? required(alias) : v;
    }

    /** A field that must be present but may be empty (param and tag values). */
    String present(String name) {
        String v = optional(name);
        if (v == null) {
            throw missing(name);
        }
        return v;
    }

    /** A string field: JSON strings only, as MLflow's protobuf parsing has it ({@code {"name": 123}} is a 400). */
    String optional(String name) {
        JsonNode v = fields.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ClientErrorException.invalid("Parameter '" + name + "' must be a string, got " + shown(v));
        }
        return v.asText();
    }

    /** Whether a field was sent with a value (not absent, null or an empty string). */
    boolean has(String name) {
        JsonNode v = fields.get(name);
        return v != null && !v.isNull() && !(v.isTextual() && v.asText().isEmpty());
    }

    /** A number or boolean field: the JSON value, or a string of it (query parameters, protobuf's int64 strings). */
    private String scalar(String name) {
        JsonNode v = fields.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode()) {
            throw ClientErrorException.invalid("Parameter '" + name + "' must be a single value, got " + shown(v));
        }
        return v.asText();
    }

    private static String shown(JsonNode v) {
        String s = v.toString();
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    long requiredLong(String name) {
        String v = scalar(name);
        if (v == null || v.isEmpty()) {
            throw missing(name);
        }
        return parseLong(name, v);
    }

    long optionalLong(String name, long dflt) {
        String v = scalar(name);
        return v == null || v.isEmpty() ? dflt : parseLong(name, v);
    }

    /** An int in {@code [1, max]}, {@code dflt} if absent. */
    int maxResults(int dflt, int max) {
        long v = optionalLong("max_results", dflt);
        if (v < 1 || v > max) {
            throw ClientErrorException.invalid("Invalid value " + v + " for parameter 'max_results': use 1 to " + max);
        }
        return (int) v;
    }

    /** A model version number: a positive integer, sent as a string by MLflow clients. */
    int version() {
        long v = requiredLong("version");
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw ClientErrorException.invalid("Parameter 'version' must be a version number (1, 2, ...), got " + v);
        }
        return (int) v;
    }

    int requiredInt(String name) {
        long v = requiredLong(name);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw ClientErrorException.invalid("Parameter '" + name + "' is out of range: " + v);
        }
        return (int) v;
    }

    double requiredDouble(String name) {
        String v = scalar(name);
        if (v == null || v.isEmpty()) {
            throw missing(name);
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw ClientErrorException.invalid("Parameter '" + name + "' must be a number, got '" + v + "'");
        }
    }

    boolean optionalBoolean(String name) {
        String v = scalar(name);
        if (v == null || v.isEmpty()) {
            return false;
        }
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw ClientErrorException.invalid("Parameter '" + name + "' must be true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    /** A list of strings: a JSON array, a repeated query parameter, or a single value. */
    List<String> strings(String name) {
        JsonNode v = fields.get(name);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.isArray()) {
            v.forEach(e -> out.add(e.asText()));
        } else {
            out.add(v.asText());
        }
        return out;
    }

    /** A list of JSON objects ({@code metrics}, {@code params}, {@code tags} of a batch). */
    List<MlflowRequest> objects(String name) {
        JsonNode v = fields.get(name);
        List<MlflowRequest> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw ClientErrorException.invalid("Parameter '" + name + "' must be a list of objects");
        }
        for (JsonNode e : v) {
            if (!e.isObject()) {
                throw ClientErrorException.invalid("Every entry of '" + name + "' must be an object, got " + e);
            }
            out.add(new MlflowRequest((ObjectNode) e));
        }
        return out;
    }

    /**
     * MLflow's {@code [{"key": .., "value": ..}]} lists as a map; a key given twice with different values is a 400
     * (for params that would be a change of an immutable value within one request).
     */
    Map<String, String> keyValues(String name) {
        Map<String, String> out = new LinkedHashMap<>();
        for (MlflowRequest kv : objects(name)) {
            String key = kv.required("key");
            String v = kv.present("value");
            String before = out.putIfAbsent(key, v);
            if (before != null && !before.equals(v)) {
                throw ClientErrorException.invalid("'" + name + "' sets key '" + key + "' twice with different values");
            }
        }
        return out;
    }

    private static long parseLong(String name, String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw ClientErrorException.invalid("Parameter '" + name + "' must be an integer, got '" + v + "'");
        }
    }

    private static ClientErrorException missing(String name) {
        return ClientErrorException.invalid("Missing value for required parameter '" + name
                + "'. See the API docs for more information about request parameters.");
    }
}
