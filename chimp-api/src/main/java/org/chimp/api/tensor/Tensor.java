package org.chimp.api.tensor;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.error.Quote;

/**
 * One tensor of the Open Inference Protocol (KServe v2, REST): {@code {"name", "shape", "datatype", "data"}}, with
 * {@code data} flat or nested in row-major order. {@link #parse} checks the name, shape and batch bound; values are
 * read (and counted against the shape) only when a data type asks for them, after it has checked datatype and shape,
 * so a tensor a task cannot take costs nothing to refuse.
 *
 * @param shape      the dimensions; the first is the batch size N
 * @param parameters the protocol's {@code parameters} object (the tensor's own, over the request's), or null; tasks
 *                   read settings from it (a generation's {@code max_tokens}) through {@link #settings}
 */
public record Tensor(String name, long[] shape, String datatype, TensorData data,
                     @JsonInclude(JsonInclude.Include.NON_NULL) ObjectNode parameters) {
    /** Parameters the protocol itself uses (binary extension, content types); tasks ignore them. */
    private static final Set<String> PROTOCOL_PARAMETERS = Set.of("binary_data", "binary_data_size", "binary_data_output",
            "content_type", "headers");

    /** A tensor without parameters. */
    public Tensor(String name, long[] shape, String datatype, TensorData data) {
        this(name, shape, datatype, data, null);
    }

    private static final String UINT8_RANGE = "is not a UINT8: UINT8 values are whole numbers from 0 to 255";

    /** The most dimensions a tensor may have. */
    public static final int MAX_RANK = 4;
    /** The largest dimension a shape may name; real tensors are bounded by the body size well before. */
    public static final long MAX_DIMENSION = 1 << 20;

    /** An output tensor. */
    public static Tensor of(String name, String datatype, long[] shape, ArrayNode data) {
        return new Tensor(name, shape, datatype, new TensorData.Nodes(data));
    }

    /** An output tensor of numbers. */
    public static Tensor of(String name, String datatype, long[] shape, TensorData.Numbers data) {
        return new Tensor(name, shape, datatype, data);
    }

    /** Reads a request's input tensor; the name, shape and batch size are checked, the values not yet. */
    public static Tensor parse(JsonNode t, int maxBatch) {
        return parse(t, new TensorData.Nodes(t.get("data")), maxBatch);
    }

    /**
     * Reads a request's input tensor whose values were read apart from the rest ({@link TensorDataReader}, binary
     * tensor data); {@code t}'s own {@code data} is not looked at.
     */
    public static Tensor parse(JsonNode t, TensorData data, int maxBatch) {
        String name = t.path("name").isTextual() ? t.get("name").asText() : null;
        JsonNode type = t.path("datatype");
        Tensor header = new Tensor(name, new long[0], type.isTextual() ? type.asText() : "", data);
        long[] shape = header.shapeOf(t.get("shape"));
        if (shape[0] > maxBatch) {
            throw ClientErrorException.invalid("The batch size N must be 1 to " + maxBatch + ", got " + shape[0]);
        }
        return new Tensor(name, shape, header.datatype, header.data, header.parametersOf(t.get("parameters"), "The input tensor's"));
    }

    /**
     * This tensor with the request's {@code parameters} added under its own (a tensor's value wins), as the protocol
     * lets a client put settings on either.
     */
    public Tensor withRequestParameters(JsonNode requestParameters) {
        ObjectNode request = parametersOf(requestParameters, "The request's");
        if (request == null) {
            return this;
        }
        if (parameters != null) {
            request.setAll(parameters);
        }
        return new Tensor(name, shape, datatype, data, request);
    }

    /**
     * The task settings among the parameters, as a JSON object to bind with the task's other fields: the protocol's
     * own parameters are dropped, any other name not in {@code known} is a 400 listing the known ones.
     */
    public ObjectNode settings(Set<String> known) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (parameters == null) {
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = parameters.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (known.contains(e.getKey())) {
                out.set(e.getKey(), e.getValue());
            } else if (!PROTOCOL_PARAMETERS.contains(e.getKey())) {
                throw invalid("unknown parameter " + Quote.json(TextNode.valueOf(e.getKey())) + "; this task's parameters are "
                        + new TreeSet<>(known));
            }
        }
        return out;
    }

    /**
     * The values of a BYTES tensor of shape {@code [N]} or {@code [N, 1]} as N strings (the protocol's JSON form of
     * BYTES); a 400 naming the form otherwise.
     *
     * @param what what each string is, for messages, e.g. {@code a prompt}
     */
    public List<String> strings(String what) {
        if (!datatype.equals("BYTES") || !(rank() == 1 || (rank() == 2 && shape[1] == 1))) {
            throw invalid("send " + what + " per batch item as datatype BYTES with shape [N] (or [N, 1]), got "
                    + Quote.json(TextNode.valueOf(datatype)) + " " + Arrays.toString(shape));
        }
        List<JsonNode> values = values();
        List<String> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            if (!values.get(i).isTextual()) {
                throw invalidValue(i, values.get(i), "must be a string: " + what);
            }
            out.add(values.get(i).asText());
        }
        return out;
    }

    /** How messages name the tensor: {@code 'name'} (quoted, control characters escaped), or {@code inputs[0]}. */
    public String label() {
        return name == null ? "inputs[0]" : "'" + Quote.json(TextNode.valueOf(name)).replace("\"", "") + "'";
    }

    /** The number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** The batch size N, the first dimension. */
    public int batch() {
        return (int) shape[0];
    }

    /** The values in row-major order; a 400 unless there are exactly as many as the shape says. */
    public List<JsonNode> values() {
        if (data instanceof TensorData.Numbers numbers) {
            checkCount(numbers.size());
            return numbers.nodes();
        }
        JsonNode json = data == null ? null : data.json();
        if (json == null || !json.isArray()) {
            throw invalid("'data' must be a list of values in row-major order, got " + Quote.json(json));
        }
        List<JsonNode> out = new ArrayList<>();
        flatten(json, out);
        checkCount(out.size());
        return out;
    }

    private void checkCount(int values) {
        long count = 1;
        for (long d : shape) {
            count = count > Long.MAX_VALUE / d ? Long.MAX_VALUE : count * d;
        }
        if (count != values) {
            throw invalid("shape " + Arrays.toString(shape) + " needs "
                    + (count == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : count) + " values in 'data', got " + values);
        }
    }

    /**
     * The values as floats. A value outside the datatype's range is refused, not rounded to infinity: FP32 holds
     * magnitudes up to {@link Float#MAX_VALUE}, UINT8 whole numbers 0-255. Numbers read straight into an array are
     * checked by the same rules without a node per value.
     */
    public float[] floats() {
        if (data instanceof TensorData.Numbers numbers) {
            checkCount(numbers.size());
            double[] values = numbers.values();
            float[] f = new float[values.length];
            boolean uint8 = datatype.equals("UINT8");
            for (int i = 0; i < f.length; i++) {
                f[i] = checkedFloat(i, values[i], uint8, numbers::node);
            }
            return f;
        }
        List<JsonNode> values = values();
        float[] f = new float[values.size()];
        boolean uint8 = datatype.equals("UINT8");
        for (int i = 0; i < f.length; i++) {
            JsonNode v = values.get(i);
            if (!v.isNumber()) {
                throw invalidValue(i, v, "must be a number");
            }
            if (uint8 && !v.canConvertToInt()) {
                throw invalidValue(i, v, UINT8_RANGE);
            }
            f[i] = checkedFloat(i, v.asDouble(), uint8, index -> v);
        }
        return f;
    }

    private float checkedFloat(int i, double d, boolean uint8, java.util.function.IntFunction<JsonNode> node) {
        if (uint8 && !(d == Math.rint(d) && d >= 0 && d <= 255)) {
            throw invalidValue(i, node.apply(i), UINT8_RANGE);
        }
        if (!Double.isFinite(d) || Math.abs(d) > Float.MAX_VALUE) {
            throw invalidValue(i, node.apply(i), "is outside the FP32 range (magnitudes up to " + Float.MAX_VALUE + ")");
        }
        return (float) d;
    }

    /** The values as whole numbers within the integer datatype's range (INT8, UINT8, INT16 or INT32). */
    public int[] ints() {
        long min;
        long max;
        switch (datatype) {
            case "INT8" -> { min = Byte.MIN_VALUE; max = Byte.MAX_VALUE; }
            case "UINT8" -> { min = 0; max = 255; }
            case "INT16" -> { min = Short.MIN_VALUE; max = Short.MAX_VALUE; }
            case "INT32" -> { min = Integer.MIN_VALUE; max = Integer.MAX_VALUE; }
            default -> throw invalid("datatype must be INT8, UINT8, INT16 or INT32, got " + Quote.json(TextNode.valueOf(datatype)));
        }
        List<JsonNode> values = values();
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = values.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
                throw invalidValue(i, v, "is not a " + datatype + ": whole numbers from " + min + " to " + max);
            }
            out[i] = (int) v.asLong();
        }
        return out;
    }

    /** The values as 64-bit whole numbers (datatype INT64 or INT32), e.g. seeds. */
    public long[] longs() {
        if (!datatype.equals("INT64") && !datatype.equals("INT32")) {
            throw invalid("datatype must be INT64 or INT32, got " + Quote.json(TextNode.valueOf(datatype)));
        }
        List<JsonNode> values = values();
        long[] out = new long[values.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = values.get(i);
            boolean fits = v.isIntegralNumber() && v.canConvertToLong() && (datatype.equals("INT64") || v.canConvertToInt());
            if (!fits) {
                throw invalidValue(i, v, "is not a " + datatype + " whole number");
            }
            out[i] = v.asLong();
        }
        return out;
    }

    /** A 400 about this tensor: {@code Input 'name': <message>}. */
    public ClientErrorException invalid(String message) {
        return ClientErrorException.invalid("Input " + label() + ": " + message);
    }

    /** A 400 naming one value by its index in row-major order. */
    public ClientErrorException invalidValue(int index, JsonNode v, String why) {
        return invalid("'data' value " + index + " (" + Quote.json(v) + ") " + why);
    }

    private ObjectNode parametersOf(JsonNode json, String whose) {
        if (json == null || json.isNull()) {
            return null;
        }
        if (!json.isObject()) {
            throw invalid(whose + " 'parameters' must be a JSON object, e.g. {\"max_tokens\": 32}, got " + Quote.json(json));
        }
        return ((ObjectNode) json).deepCopy();
    }

    private long[] shapeOf(JsonNode json) {
        if (json == null || !json.isArray() || json.isEmpty() || json.size() > MAX_RANK) {
            throw invalid("'shape' must be a list of 1 to " + MAX_RANK + " dimensions, e.g. [1, 48, 48], got " + Quote.json(json));
        }
        long[] out = new long[json.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode d = json.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 1 || d.asLong() > MAX_DIMENSION) {
                throw invalid("'shape' must hold whole numbers from 1 to " + MAX_DIMENSION + ", got " + Quote.json(json));
            }
            out[i] = d.asLong();
        }
        return out;
    }

    private static void flatten(JsonNode json, List<JsonNode> out) {
        for (JsonNode n : json) {
            if (n.isArray()) {
                flatten(n, out);
            } else {
                out.add(n);
            }
        }
    }
}
