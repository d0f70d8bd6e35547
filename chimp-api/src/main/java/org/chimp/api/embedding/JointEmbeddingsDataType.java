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
 * JSON form: {@code {"text_embeddings": [[...]], "image_embeddings": [[...]], "similarities": [[...]]}}, where
 * {@code similarities[i][t]} is the cosine of image i and text t (written, not read back: it follows from the vectors).
 * As an Open Inference Protocol output: FP32 {@code [N, D]}, the text vectors then the image vectors (a tensor request
 * sends one kind, so these are its N items' vectors).
 */
public final class JointEmbeddingsDataType implements DataType<JointEmbeddings> {
    private final EmbeddingsDataType vectors = new EmbeddingsDataType();

    @Override
    public String id() {
        return "joint-embeddings";
    }

    @Override
    public Class<JointEmbeddings> valueType() {
        return JointEmbeddings.class;
    }

    @Override
    public JointEmbeddings fromJson(JsonNode json) {
        if (json == null || !json.path("text_embeddings").isArray() || !json.path("image_embeddings").isArray()) {
            throw ClientErrorException.invalid("Joint embeddings are {\"text_embeddings\": [[numbers]], \"image_embeddings\": [[numbers]]}, got "
                    + Quote.json(json));
        }
        return new JointEmbeddings(read(json.get("text_embeddings")), read(json.get("image_embeddings")));
    }

    private Embeddings read(JsonNode rows) {
        ObjectNode wrapped = JsonNodeFactory.instance.objectNode();
        wrapped.set("embeddings", rows);
        return vectors.fromJson(wrapped);
    }

    @Override
    public JsonNode toJson(JointEmbeddings value) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("text_embeddings", vectors.toJson(value.texts()).get("embeddings"));
        out.set("image_embeddings", vectors.toJson(value.images()).get("embeddings"));
        ArrayNode sims = out.putArray("similarities");
        for (double[] row : value.similarities()) {
            ArrayNode r = sims.addArray();
            for (double d : row) {
                r.add((float) d);
            }
        }
        return out;
    }

    @Override
    public String tensorName() {
        return "embeddings";
    }

    @Override
    public Tensor toTensor(String name, List<JointEmbeddings> values) {
        List<float[]> rows = new ArrayList<>();
        values.forEach(v -> {
            rows.addAll(v.texts().vectors());
            rows.addAll(v.images().vectors());
        });
        return EmbeddingsDataType.rows(name, rows);
    }

    @Override
    public JsonNode jsonSchema() {
        ObjectNode s = JsonNodeFactory.instance.objectNode().put("type", "object");
        ObjectNode p = s.putObject("properties");
        for (String name : new String[] {"text_embeddings", "image_embeddings", "similarities"}) {
            p.putObject(name).put("type", "array").putObject("items").put("type", "array").putObject("items").put("type", "number");
        }
        ((ObjectNode) p.get("similarities")).put("description", "similarities[i][t]: cosine of image i and text t");
        s.putArray("required").add("text_embeddings").add("image_embeddings");
        return s;
    }

    @Override
    public TensorSpec tensorSpec() {
        return new TensorSpec(tensorName(), "float32", List.of(-1L, -1L));
    }
}
