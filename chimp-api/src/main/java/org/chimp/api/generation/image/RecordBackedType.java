package org.chimp.api.generation.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.chimp.api.DataType;
import org.chimp.api.RecordDataType;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.text.Utf8;

/**
 * A data type whose JSON form is a strictly bound record ({@link RecordDataType}); subclasses add the tensor and byte
 * forms, reading them through the same JSON binding so every form has the same checks and messages.
 */
abstract class RecordBackedType<T> implements DataType<T> {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The JSON form. */
    final RecordDataType<T> json;

    RecordBackedType(RecordDataType<T> json) {
        this.json = json;
    }

    @Override
    public String id() {
        return json.id();
    }

    @Override
    public Class<T> valueType() {
        return json.valueType();
    }

    @Override
    public T fromJson(JsonNode value) {
        return json.fromJson(value);
    }

    @Override
    public JsonNode toJson(T value) {
        return json.toJson(value);
    }

    @Override
    public JsonNode jsonSchema() {
        return json.jsonSchema();
    }

    /** Bytes of an on-chain job: strict UTF-8 of at most {@code maxChars}, read as a JSON object. */
    T fromUtf8Json(byte[] bytes, int maxChars) {
        String text = Utf8.decode(bytes, "The " + id(), maxChars);
        try {
            return fromJson(MAPPER.readTree(text));
        } catch (JsonProcessingException e) {
            throw ClientErrorException.invalid("The " + id() + " bytes are not a valid JSON object: " + e.getOriginalMessage(), e);
        }
    }
}
