package org.chimp.api.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.chimp.api.DataType;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.error.Quote;
import org.chimp.api.tensor.Tensor;
import org.chimp.api.tensor.TensorSpec;
import org.chimp.api.text.Utf8;

/**
 * JSON form: {@code {"prompt": "...", "max_tokens": 64, "temperature": 1.0, "top_p": 1.0, "seed": 42}} (all but
 * the prompt optional), or a bare string prompt with the defaults. Every field is type-checked here with a message
 * naming it, so {@code "max_tokens": "ten"} is a 400, not a silently used default. As an Open Inference Protocol
 * input: BYTES {@code [N]} prompts, with {@code max_tokens}, {@code temperature}, {@code top_p} and {@code seed} from
 * the tensor's or the request's {@code parameters}; on chain: the UTF-8 prompt, or a UTF-8 JSON object as above.
 */
public final class GenerationRequestDataType implements DataType<GenerationRequest> {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("prompt", "max_tokens", "temperature", "top_p", "seed");
    private static final Set<String> SETTINGS = Set.of("max_tokens", "temperature", "top_p", "seed");

    @Override
    public String id() {
        return "generation-request";
    }

    @Override
    public Class<GenerationRequest> valueType() {
        return GenerationRequest.class;
    }

    @Override
    public GenerationRequest fromJson(JsonNode json) {
        if (json != null && json.isTextual()) {
            return GenerationRequest.of(json.asText());
        }
        if (json == null || !json.isObject()) {
            throw ClientErrorException.invalid("Expected {\"prompt\": \"...\", \"max_tokens\": n, \"temperature\": t, \"top_p\": p, \"seed\": s}"
                    + " or a prompt string, got " + Quote.json(json));
        }
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!FIELDS.contains(name)) {
                throw ClientErrorException.invalid("Unknown field " + Quote.json(MAPPER.getNodeFactory().textNode(name))
                        + "; a generation request has prompt, max_tokens, temperature, top_p and seed");
            }
        }
        JsonNode prompt = json.get("prompt");
        if (prompt == null || !prompt.isTextual()) {
            throw ClientErrorException.invalid("'prompt' must be a string, got " + Quote.json(prompt));
        }
        int maxTokens = (int) integer(json, "max_tokens", GenerationRequest.DEFAULT_MAX_TOKENS, GenerationRequest.MAX_TOKENS);
        double temperature = number(json, "temperature", 1.0);
        double topP = number(json, "top_p", 1.0);
        JsonNode seed = json.get("seed");
        Long s = seed == null || seed.isNull() ? null : integer(json, "seed", 0, Long.MAX_VALUE);
        return new GenerationRequest(prompt.asText(), maxTokens, temperature, topP, s);
    }

    @Override
    public List<GenerationRequest> fromTensor(Tensor tensor) {
        List<String> prompts = tensor.strings("a prompt");
        ObjectNode settings = tensor.settings(SETTINGS);
        List<GenerationRequest> out = new ArrayList<>(prompts.size());
        for (String prompt : prompts) {
            out.add(fromJson(settings.deepCopy().put("prompt", prompt)));
        }
        return out;
    }

    /** A prompt as UTF-8, or (starting with "{") a JSON request object as UTF-8. */
    @Override
    public GenerationRequest fromBytes(byte[] bytes) {
        String text = Utf8.decode(bytes, "The generation input", GenerationRequest.MAX_PROMPT_CHARS + 1000);
        if (!text.startsWith("{")) {
            return GenerationRequest.of(text);
        }
        try {
            return fromJson(MAPPER.readTree(text));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ClientErrorException.invalid("The generation input starts with '{' but is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** An integer field; values beyond {@code limit} are reported as they were sent, not wrapped into range. */
    private static long integer(JsonNode json, String field, long dflt, long limit) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ClientErrorException.invalid("'" + field + "' must be an integer, got " + Quote.json(v));
        }
        long l = v.asLong();
        if (l < 0 || l > limit) {
            throw ClientErrorException.invalid("'" + field + "' must be from " + (field.equals("seed") ? 0 : 1) + " to " + limit + ", got " + l);
        }
        return l;
    }

    private static double number(JsonNode json, String field, double dflt) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw ClientErrorException.invalid("'" + field + "' must be a number, got " + Quote.json(v));
        }
        return v.asDouble();
    }

    @Override
    public JsonNode toJson(GenerationRequest value) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("prompt", value.prompt());
        n.put("max_tokens", value.maxTokens());
        n.put("temperature", value.temperature());
        n.put("top_p", value.topP());
        if (value.seed() != null) {
            n.put("seed", value.seed());
        }
        return n;
    }

    @Override
    public JsonNode jsonSchema() {
        try {
            return MAPPER.readTree("""
                {"oneOf": [
                  {"type": "string", "description": "the prompt, generated with the defaults", "minLength": 1, "maxLength": %d},
                  {"type": "object", "required": ["prompt"], "additionalProperties": false, "properties": {
                    "prompt": {"type": "string", "minLength": 1, "maxLength": %d},
                    "max_tokens": {"type": "integer", "minimum": 1, "maximum": %d, "default": %d},
                    "temperature": {"type": "number", "minimum": 0, "maximum": %s, "default": 1.0,
                                    "description": "0 is greedy (deterministic)"},
                    "top_p": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 1.0},
                    "seed": {"type": "integer", "minimum": 0, "description": "sampling seed; default: the run's seed"}}}
                ],
                "examples": [{"prompt": "Once upon a time", "max_tokens": 32, "temperature": 0.8, "top_p": 0.95, "seed": 7}]}"""
                    .formatted(GenerationRequest.MAX_PROMPT_CHARS, GenerationRequest.MAX_PROMPT_CHARS,
                            GenerationRequest.MAX_TOKENS, GenerationRequest.DEFAULT_MAX_TOKENS, GenerationRequest.MAX_TEMPERATURE));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public TensorSpec tensorSpec() {
        return new TensorSpec("prompt", "str", List.of(-1L));
    }
}
