package org.chimp.api.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.chimp.api.DataType;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.error.Quote;
import org.chimp.api.tensor.Tensor;
import org.chimp.api.tensor.TensorSpec;

/**
 * JSON form: {@code {"text": "...", "tokens": 12, "finish_reason": "length"}}, bound from the record. As an Open
 * Inference Protocol output: BYTES {@code [N]}, the texts (the token counts and finish reasons are in the JSON form
 * only); on chain: the text as UTF-8.
 */
public final class GenerationDataType implements DataType<Generation> {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public String id() {
        return "generation";
    }

    @Override
    public Class<Generation> valueType() {
        return Generation.class;
    }

    @Override
    public Generation fromJson(JsonNode json) {
        try {
            return MAPPER.treeToValue(json, Generation.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException | NullPointerException e) {
            throw ClientErrorException.invalid("A generation is {\"text\": \"...\", \"tokens\": n, \"finish_reason\": "
                    + "\"eos\"|\"length\"|\"context\"|\"cancelled\"}, got " + Quote.json(json), e);
        }
    }

    @Override
    public JsonNode toJson(Generation value) {
        return MAPPER.valueToTree(value);
    }

    @Override
    public String tensorName() {
        return "text";
    }

    @Override
    public Tensor toTensor(String name, List<Generation> values) {
        ArrayNode data = MAPPER.createArrayNode();
        values.forEach(g -> data.add(g.text()));
        return Tensor.of(name, "BYTES", new long[] {values.size()}, data);
    }

    @Override
    public byte[] toBytes(Generation value) {
        return value.text().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public JsonNode jsonSchema() {
        ObjectNode s = MAPPER.createObjectNode().put("type", "object");
        ObjectNode p = s.putObject("properties");
        p.putObject("text").put("type", "string").put("description", "the continuation, without the prompt");
        p.putObject("tokens").put("type", "integer").put("description", "how many tokens were generated");
        p.putObject("finish_reason").put("type", "string").putArray("enum").add("eos").add("length").add("context").add("cancelled");
        s.putArray("required").add("text").add("tokens").add("finish_reason");
        return s;
    }

    @Override
    public TensorSpec tensorSpec() {
        return new TensorSpec(tensorName(), "str", List.of(-1L));
    }
}
