package org.chimp.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.tensor.Tensor;
import org.chimp.api.tensor.TensorSpec;

/**
 * Converts a task's input or output value between its wire forms, as DJL's {@code Translator} does for a model: the
 * JSON of CHIMP's {@code /model/{name}/infer} (the {@code inputs} of a request, the {@code predictions} of a
 * response), the tensors of the Open Inference Protocol, and the bytes of on-chain jobs. Serving decodes requests
 * and encodes responses only through these methods, so a new task plugs in without serving changing. Every data
 * type has a JSON form and publishes its JSON Schema; the other forms are optional (the defaults refuse them with
 * a 400 that names the form that works).
 *
 * @param <T> the Java value type
 */
public interface DataType<T> {
    /** A stable id, e.g. {@code image} or {@code classification}. */
    String id();

    /** The Java class of the value. */
    Class<T> valueType();

    /** Reads a value from JSON, throwing a 400 ClientErrorException that says what the JSON should look like. */
    T fromJson(JsonNode json);

    /** Writes a value as JSON. */
    JsonNode toJson(T value);

    /** The JSON Schema of the JSON form, for docs and clients. */
    JsonNode jsonSchema();

    /**
     * A valid JSON value, shown as the schema's {@code examples}; for an input type, a valid {@code inputs}. By
     * default the first of the schema's own {@code examples}, if it has any.
     */
    default JsonNode example() {
        JsonNode examples = jsonSchema().path("examples");
        return examples.isArray() && !examples.isEmpty() ? examples.get(0) : null;
    }

    /** {@link #jsonSchema()} with {@link #example()} as its {@code examples} entry, unless it has one already. */
    default JsonNode jsonSchemaWithExamples() {
        JsonNode schema = jsonSchema();
        JsonNode example = example();
        if (example == null || !schema.isObject() || schema.has("examples")) {
            return schema;
        }
        ObjectNode copy = ((ObjectNode) schema).deepCopy();
        copy.putArray("examples").add(example);
        return copy;
    }

    /**
     * Whether a request's {@code inputs} holds a batch rather than one value. By default a JSON list is a batch;
     * types whose single value is a list (pixel rows) decide otherwise.
     */
    default boolean isBatch(JsonNode inputs) {
        return inputs.isArray();
    }

    /**
     * Reads a request's {@code inputs}: one value, or a batch of at most {@code maxBatch}, counted before any value
     * is decoded, so an oversized batch costs nothing.
     */
    default List<T> fromJsonBatch(JsonNode inputs, int maxBatch) {
        if (!isBatch(inputs)) {
            return List.of(fromJson(inputs));
        }
        if (inputs.isEmpty()) {
            throw ClientErrorException.invalid("The batch in 'inputs' is empty; send at least one value");
        }
        if (inputs.size() > maxBatch) {
            throw ClientErrorException.invalid("At most " + maxBatch + " inputs per request, got " + inputs.size()
                    + "; split the batch");
        }
        List<T> out = new ArrayList<>(inputs.size());
        inputs.forEach(n -> out.add(fromJson(n)));
        return out;
    }

    /**
     * Writes a request's outputs into its response. By default {@code predictions} is the one value's JSON, or a
     * list of them when the request sent a batch.
     *
     * @param outputName the model's output tensor the values came from, for types that report under its name
     */
    default void writePredictions(ObjectNode response, List<T> values, boolean batch, String outputName) {
        if (batch) {
            ArrayNode list = response.putArray("predictions");
            values.forEach(v -> list.add(toJson(v)));
        } else {
            response.set("predictions", toJson(values.get(0)));
        }
    }

    /**
     * Why a model's output cannot be sent to the caller, or null when it can: a phrase that follows "the model",
     * e.g. {@code gave no finite scores}. Serving answers 422 for such an output, naming the model and the batch item.
     */
    default String unsendable(T value) {
        return null;
    }

    /** The tensor name of this type's values when the model publishes no tensor signature. */
    default String tensorName() {
        return id();
    }

    /**
     * The tensor this type's values travel as in the Open Inference Protocol, which serving shows as a model's
     * metadata when the model publishes no tensor signature of its own; null when the type has no tensor form.
     */
    default TensorSpec tensorSpec() {
        return null;
    }

    /** Reads an Open Inference Protocol input tensor holding a batch; a 400 if its datatype or shape does not fit. */
    default List<T> fromTensor(Tensor tensor) {
        throw tensor.invalid("'" + id() + "' inputs have no Open Inference Protocol tensor form; use POST /model/{name}/infer");
    }

    /** Writes a batch of values as one Open Inference Protocol output tensor. */
    default Tensor toTensor(String name, List<T> values) {
        throw ClientErrorException.invalid("'" + id() + "' outputs have no Open Inference Protocol tensor form; "
                + "use POST /model/{name}/infer");
    }

    /** Reads a value from the bytes of an on-chain job. */
    default T fromBytes(byte[] bytes) {
        throw ClientErrorException.invalid("'" + id() + "' values have no byte form for on-chain jobs");
    }

    /** Writes a value as the bytes of an on-chain job's result. */
    default byte[] toBytes(T value) {
        throw ClientErrorException.invalid("'" + id() + "' values have no byte form for on-chain jobs");
    }
}
