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
import org.chimp.api.tensor.Tensor;
import org.chimp.api.tensor.TensorSpec;

/**
 * JSON form: {@code {"embeddings": [[0.1, ...], ...]}}, one list of numbers per input text. As an Open Inference
 * Protocol output: FP32 {@code [N, D]}, the vectors of all values in order.
 */
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
    public String tensorName() {
        return "embeddings";
    }

    @Override
    public Tensor toTensor(String name, List<Embeddings> values) {
        List<float[]> rows = new ArrayList<>();
        values.forEach(e -> rows.addAll(e.vectors()));
        return rows(name, rows);
    }

    /** Vectors of one dimension as an FP32 {@code [N, D]} tensor. */
    static Tensor rows(String name, List<float[]> rows) {
        int dimension = rows.isEmpty() ? 0 : rows.get(0).length;
        ArrayNode data = JsonNodeFactory.instance.arrayNode(rows.size() * dimension);
        for (float[] v : rows) {
            if (v.length != dimension) {
                throw new IllegalArgumentException("embeddings of different dimensions: " + dimension + " and " + v.length);
            }
            for (float f : v) {
                data.add(f);
            }
        }
        return Tensor.of(name, "FP32", new long[] {rows.size(), dimension}, data);
    }

    @Override
    public JsonNode jsonSchema() {
        ObjectNode s = JsonNodeFactory.instance.objectNode().put("type", "object");
        s.putObject("properties").putObject("embeddings").put("type", "array")
                .putObject("items").put("type", "array").putObject("items").put("type", "number");
        s.putArray("required").add("embeddings");
        return s;
    }

    @Override
    public TensorSpec tensorSpec() {
        return new TensorSpec(tensorName(), "float32", List.of(-1L, -1L));
    }
}
