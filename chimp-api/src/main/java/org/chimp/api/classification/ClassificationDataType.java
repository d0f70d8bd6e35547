package org.chimp.api.classification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.chimp.api.DataType;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.tensor.Tensor;

/**
 * JSON form: {@code {"labels": [...], "probabilities": [...], "label": "<most probable>"}}. In an {@code /infer}
 * response, as CHIMP's original answered: {@code "predictions": {"<output name>": [[scores of item 0], ...]}},
 * {@code "labels"} and {@code "predicted_labels"}, for one image as for a batch. As an Open Inference Protocol output:
 * {@code [N, K]} FP32 scores.
 */
public final class ClassificationDataType implements DataType<Classification> {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public String id() {
        return "classification";
    }

    @Override
    public Class<Classification> valueType() {
        return Classification.class;
    }

    @Override
    public Classification fromJson(JsonNode json) {
        JsonNode labels = json == null ? null : json.get("labels");
        JsonNode probs = json == null ? null : json.get("probabilities");
        if (labels == null || probs == null || !labels.isArray() || !probs.isArray() || labels.size() != probs.size()
                || labels.isEmpty()) {
            throw ClientErrorException.invalid("A classification is {\"labels\": [...], \"probabilities\": [...]} with non-empty lists of equal length");
        }
        for (JsonNode p : probs) {
            if (!p.isNumber()) {
                throw ClientErrorException.invalid("A classification's \"probabilities\" must all be numbers, got " + p);
            }
        }
        List<String> l = new ArrayList<>();
        labels.forEach(n -> l.add(n.asText()));
        float[] p = new float[probs.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) probs.get(i).asDouble();
        }
        return new Classification(l, p);
    }

    @Override
    public JsonNode toJson(Classification value) {
        ObjectNode n = MAPPER.createObjectNode();
        value.labels().forEach(n.putArray("labels")::add);
        var p = n.putArray("probabilities");
        for (float f : value.probabilities()) {
            p.add(f);
        }
        n.put("label", value.bestLabel());
        return n;
    }

    @Override
    public JsonNode example() {
        ObjectNode n = MAPPER.createObjectNode();
        n.putArray("labels").add("happy").add("sad");
        n.putArray("probabilities").add(0.9).add(0.1);
        n.put("label", "happy");
        return n;
    }

    @Override
    public void writePredictions(ObjectNode response, List<Classification> values, boolean batch, String outputName) {
        ArrayNode rows = response.putObject("predictions").putArray(outputName);
        for (Classification c : values) {
            ArrayNode row = rows.addArray();
            for (float p : c.probabilities()) {
                row.add(p);
            }
        }
        values.get(0).labels().forEach(response.putArray("labels")::add);
        ArrayNode predicted = response.putArray("predicted_labels");
        values.forEach(c -> predicted.add(c.bestLabel()));
    }

    /**
     * Scores must be finite. Inputs are checked when parsed, but a model can still overflow on extreme ones (a logit
     * of 3e38 times a weight is infinite, its softmax NaN), and Jackson would write such a float as the string "NaN".
     */
    @Override
    public String unsendable(Classification value) {
        for (float p : value.probabilities()) {
            if (!Float.isFinite(p)) {
                return "gave no finite scores";
            }
        }
        return null;
    }

    @Override
    public String tensorName() {
        return "probabilities";
    }

    @Override
    public Tensor toTensor(String name, List<Classification> values) {
        ArrayNode data = MAPPER.createArrayNode();
        for (Classification c : values) {
            for (float p : c.probabilities()) {
                data.add(p);
            }
        }
        long k = values.isEmpty() ? 0 : values.get(0).probabilities().length;
        return Tensor.of(name, "FP32", new long[] {values.size(), k}, data);
    }

    @Override
    public JsonNode jsonSchema() {
        ObjectNode s = MAPPER.createObjectNode();
        s.put("type", "object");
        ObjectNode props = s.putObject("properties");
        props.putObject("labels").put("type", "array").putObject("items").put("type", "string");
        props.putObject("probabilities").put("type", "array").putObject("items").put("type", "number");
        props.putObject("label").put("type", "string");
        s.putArray("required").add("labels").add("probabilities");
        return s;
    }
}
