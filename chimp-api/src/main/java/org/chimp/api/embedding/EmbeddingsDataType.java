package org.chimp.api.embedding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.chimp.api.DataType;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.error.Quote;

/** JSON form: {@code {"embeddings": [[0.1, ...], ...]}}, one list of numbers per input text. */
public final class EmbeddingsDataType implements DataType<Embeddings> {
    private static final String FORM = "{\"embeddings\": [[numbers], ...]} with lists of equal length";

    @Override
    public String id() {
        return "embeddings";
    }

    @Override
    public Class<Embeddings> valueType() {
        return Embeddings.class;
    }

    @Override
    public Embeddings fromJson(JsonNode json) {
        JsonNode rows = json == null ? null : json.get("embeddings");
        if (rows == null || !rows.isArray()) {
            throw ClientErrorException.invalid("Embeddings are " + FORM + ", got " + Quote.json(json));
        }
        List<float[]> vectors = new ArrayList<>(rows.size());
        for (JsonNode row : rows) {
            if (!row.isArray() || (!vectors.isEmpty() && row.size() != vectors.get(0).length)) {
                throw ClientErrorException.invalid("Embeddings are " + FORM + ", got a row " + Quote.json(row));
            }
            float[] v = new float[row.size()];
            for (int i = 0; i < v.length; i++) {
                if (!row.get(i).isNumber()) {
                    throw ClientErrorException.invalid("Embedding values must be numbers, got " + Quote.json(row.get(i)));
                }
                v[i] = row.get(i).floatValue();
            }
            vectors.add(v);
        }
        return new Embeddings(vectors);
    }

    @Override
    public JsonNode toJson(Embeddings value) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode rows = out.putArray("embeddings");
        for (float[] v : value.vectors()) {
            ArrayNode row = rows.addArray();
            for (float f : v) {
                row.add(f);
            }
        }
        return out;
    }

    @Override
    public JsonNode jsonSchema() {
        ObjectNode s = JsonNodeFactory.instance.objectNode().put("type", "object");
        s.putObject("properties").putObject("embeddings").put("type", "array")
                .putObject("items").put("type", "array").putObject("items").put("type", "number");
        s.putArray("required").add("embeddings");
        return s;
    }
}
