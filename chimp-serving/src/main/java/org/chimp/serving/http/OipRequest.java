package org.chimp.serving.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.tensor.TensorData;
import org.chimp.api.tensor.TensorDataReader;
import org.chimp.http.Json;

/**
 * An Open Inference Protocol request read in one streaming pass: every input's {@code data} straight into numbers
 * ({@link TensorDataReader}), the small rest (names, shapes, {@code parameters}, {@code outputs}, {@code id}) as JSON,
 * so the handler checks it as before. Just as strict as a tree parse: a key given twice and anything after the body
 * are errors.
 *
 * @param json the body without the inputs' {@code data}; any JSON value when the body is not an object
 * @param data each input's values, in the order of {@code json}'s {@code inputs} (a {@code Nodes(null)} for an input
 *             without data or that is not an object)
 */
record OipRequest(JsonNode json, List<TensorData> data) {
    /** Reads one value at a time: the strict mapper would look for trailing tokens after each part of the body. */
    private static final ObjectReader PARTS = Json.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Reads {@code length} bytes of {@code body} from {@code offset}; a 400 saying what is wrong otherwise. */
    static OipRequest read(byte[] body, int offset, int length) throws JsonProcessingException {
        try (JsonParser p = Json.MAPPER.createParser(body, offset, length)) {
            // Correctly rounded like Double.parseDouble, several times faster on the thousands of values a tensor has.
            p.enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER.mappedFeature());
            p.setCodec(PARTS);
            if (p.nextToken() != JsonToken.START_OBJECT) {
                JsonNode value = p.currentToken() == null ? null : p.readValueAsTree();
                return new OipRequest(checkedEnd(p, value == null ? Json.MAPPER.nullNode() : value), List.of());
            }
            ObjectNode root = Json.MAPPER.createObjectNode();
            List<TensorData> data = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("inputs") && p.currentToken() == JsonToken.START_ARRAY) {
                    root.set(field, inputs(p, data));
                } else {
                    root.set(field, p.readValueAsTree());
                }
            }
            return new OipRequest(checkedEnd(p, root), data);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw ClientErrorException.invalid("The request body could not be read as JSON", e);
        }
    }

    private static ArrayNode inputs(JsonParser p, List<TensorData> data) throws IOException {
        ArrayNode inputs = Json.MAPPER.createArrayNode();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                inputs.add((JsonNode) p.readValueAsTree());
                data.add(new TensorData.Nodes(null));
                continue;
            }
            ObjectNode input = inputs.addObject();
            TensorData values = new TensorData.Nodes(null);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("data")) {
                    values = TensorDataReader.read(p);
                } else {
                    input.set(field, p.readValueAsTree());
                }
            }
            data.add(values);
        }
        return inputs;
    }

    /** The value, if nothing but white space follows it (Jackson's FAIL_ON_TRAILING_TOKENS, for a streaming read). */
    private static JsonNode checkedEnd(JsonParser p, JsonNode value) throws IOException {
        JsonToken trailing = p.nextToken();
        if (trailing != null) {
            throw new com.fasterxml.jackson.core.JsonParseException(p, "Trailing token (of type " + trailing
                    + ") found after the request's JSON value");
        }
        return value;
    }
}
