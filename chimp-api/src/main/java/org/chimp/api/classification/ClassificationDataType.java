package org.chimp.api.classification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.chimp.api.DataType;
import org.chimp.api.error.ClientErrorException;

/** JSON form: {@code {"labels": [...], "probabilities": [...], "label": "<most probable>"}}. */
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
