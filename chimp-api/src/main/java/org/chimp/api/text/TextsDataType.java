package org.chimp.api.text;

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
 * JSON form: a string, or a list of strings. The count and every text's length are checked before anything is
 * copied or tokenized, so one request cannot make the model tokenize megabytes: too many texts is a 400, an
 * over-long text a 413, each saying the limit. As an Open Inference Protocol input: BYTES {@code [N]}, one text per
 * batch item (each its own single text, so a serving batch embeds them together).
 */
public final class TextsDataType implements DataType<Texts> {
    /** The most texts one request may carry; more should be split into several requests. */
    public static final int MAX_TEXTS = 256;
    /** The most characters one text may have (models truncate far below this; the bound protects tokenization). */
    public static final int MAX_CHARS = 20_000;

    @Override
    public String id() {
        return "texts";
    }

    @Override
    public Class<Texts> valueType() {
        return Texts.class;
    }

    @Override
    public Texts fromJson(JsonNode json) {
        if (json != null && json.isTextual()) {
            return Texts.of(check(json.asText(), 0));
        }
        if (json == null || !json.isArray()) {
            throw ClientErrorException.invalid("Expected a text or a list of texts, e.g. \"inputs\": \"hello\" or [\"a\", \"b\"]; got "
                    + Quote.json(json));
        }
        if (json.size() > MAX_TEXTS) {
            throw ClientErrorException.invalid("At most " + MAX_TEXTS + " texts per request, got " + json.size() + "; split the list");
        }
        List<String> texts = new ArrayList<>(json.size());
        for (int i = 0; i < json.size(); i++) {
            JsonNode t = json.get(i);
            if (!t.isTextual()) {
                throw ClientErrorException.invalid("Text " + i + " must be a string, got " + Quote.json(t));
            }
            texts.add(check(t.asText(), i));
        }
        return Texts.of(texts);
    }

    /** A list of texts is one value (its texts are embedded together and answered as one list), not a batch. */
    @Override
    public boolean isBatch(JsonNode inputs) {
        return false;
    }

    @Override
    public List<Texts> fromTensor(Tensor tensor) {
        List<String> values = tensor.strings("a text");
        List<Texts> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            out.add(Texts.of(check(values.get(i), i)));
        }
        return out;
    }

    /** A text's bytes for an on-chain job: strict UTF-8, at most {@value #MAX_CHARS} characters. */
    @Override
    public Texts fromBytes(byte[] bytes) {
        return Texts.of(check(Utf8.decode(bytes, "The text", MAX_CHARS), 0));
    }

    /** Checks one text's length: a 413 naming the text's index and the limit. */
    public static String check(String text, int index) {
        if (text.length() > MAX_CHARS) {
            throw ClientErrorException.tooLarge("Text " + index + " has " + text.length() + " characters; at most " + MAX_CHARS
                    + " are allowed, so shorten or split it");
        }
        return text;
    }

    @Override
    public JsonNode toJson(Texts value) {
        if (value.single()) {
            return JsonNodeFactory.instance.textNode(value.values().get(0));
        }
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        value.values().forEach(a::add);
        return a;
    }

    @Override
    public JsonNode jsonSchema() {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        ArrayNode oneOf = s.putArray("oneOf");
        oneOf.addObject().put("type", "string").put("maxLength", MAX_CHARS);
        ObjectNode list = oneOf.addObject().put("type", "array").put("minItems", 1).put("maxItems", MAX_TEXTS);
        list.putObject("items").put("type", "string").put("maxLength", MAX_CHARS);
        s.putArray("examples").add("A chimpanzee is a great ape.").addArray().add("first text").add("second text");
        return s;
    }

    @Override
    public TensorSpec tensorSpec() {
        return new TensorSpec("text", "str", List.of(-1L));
    }
}
