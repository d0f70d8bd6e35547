package org.chimp.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Converts a task's input or output value between its wire forms. Every data type has a JSON form (REST) and
 * publishes its JSON Schema; the chain's byte form arrives with the oracle.
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
}
