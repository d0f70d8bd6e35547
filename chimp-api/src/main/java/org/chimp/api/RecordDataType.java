package org.chimp.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.error.Quote;

/**
 * A data type whose JSON form is a record bound by Jackson, strictly: unknown fields, a number where text belongs,
 * text or fractions where an integer belongs are all 400s naming the field. The record's compact constructor does
 * the value checks (throwing {@link ClientErrorException}), so a value is valid however it was made.
 *
 * @param id     the data type's id
 * @param type   the record class
 * @param schema the JSON Schema of the JSON form (with an {@code examples} entry)
 */
public record RecordDataType<T>(String id, Class<T> type, JsonNode schema) implements DataType<T> {
    private static final ObjectMapper MAPPER = strictMapper();

    public RecordDataType {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(schema, "schema");
    }

    /** A data type whose schema is given as JSON text (a text block next to the record). */
    public static <T> RecordDataType<T> of(String id, Class<T> type, String schemaJson) {
        try {
            return new RecordDataType<>(id, type, MAPPER.readTree(schemaJson));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("The JSON Schema of data type '" + id + "' is not valid JSON", e);
        }
    }

    @Override
    public Class<T> valueType() {
        return type;
    }

    @Override
    public T fromJson(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw ClientErrorException.invalid("Expected a JSON object for " + id + " (see its JSON Schema), got " + Quote.json(json));
        }
        try {
            return MAPPER.treeToValue(json, type);
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof ClientErrorException c) {
                throw c;
            }
            throw ClientErrorException.invalid("Invalid " + id + ": " + e.getOriginalMessage(), e);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream().map(String::valueOf)
                    .collect(Collectors.toCollection(TreeSet::new)).toString();
            throw ClientErrorException.invalid("'" + e.getPropertyName() + "' is not a field of " + id + "; known fields: " + known, e);
        } catch (MismatchedInputException e) {
            throw ClientErrorException.invalid(field(e) + " must be " + expected(e.getTargetType()) + ", got "
                    + Quote.json(json.at(pointer(e))), e);
        } catch (JsonProcessingException e) {
            String where = e instanceof JsonMappingException m ? field(m) : "A field";
            String why = e instanceof InputCoercionException ? " is out of range" : " is invalid: " + e.getOriginalMessage();
            throw ClientErrorException.invalid(where + why + " in " + id, e);
        }
    }

    @Override
    public JsonNode toJson(T value) {
        return MAPPER.valueToTree(value);
    }

    @Override
    public JsonNode jsonSchema() {
        return schema.deepCopy();
    }

    private static String field(JsonMappingException e) {
        String path = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
        return path.isEmpty() ? "The value" : "'" + path + "'";
    }

    private static String pointer(JsonMappingException e) {
        return e.getPath().stream().map(r -> "/" + (r.getFieldName() != null ? r.getFieldName().replace("~", "~0").replace("/", "~1")
                : Integer.toString(r.getIndex()))).collect(Collectors.joining());
    }

    private static String expected(Class<?> target) {
        if (target == null) {
            return "of another type";
        }
        if (target == Integer.class || target == int.class || target == Long.class || target == long.class) {
            return "an integer";
        }
        if (target == Double.class || target == double.class || target == Float.class || target == float.class) {
            return "a number";
        }
        if (target == String.class) {
            return "a string";
        }
        if (target == byte[].class) {
            return "base64 text";
        }
        if (target == Boolean.class || target == boolean.class) {
            return "true or false";
        }
        return "a " + target.getSimpleName();
    }

    private static ObjectMapper strictMapper() {
        ObjectMapper m = JsonMapper.builder()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
        // "prompt": 42 is a mistake, not the text "42".
        for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.Integer, CoercionInputShape.Float,
                CoercionInputShape.Boolean}) {
            m.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        return m;
    }
}
