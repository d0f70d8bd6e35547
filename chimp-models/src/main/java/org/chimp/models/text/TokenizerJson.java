package org.chimp.models.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.chimp.api.error.ClientErrorException;

/**
 * Reads a Hugging Face {@code tokenizer.json} (the {@code tokenizer} artifact). Problems are the model config's
 * fault, so 400s that name the field; the file's local path is never shown.
 */
final class TokenizerJson {
    /** Real tokenizer files are a few MB (GPT-2's is 1.4 MB); the bound keeps a wrong artifact from filling the heap. */
    static final long MAX_BYTES = 64L * 1024 * 1024;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TokenizerJson() {
    }

    /** The parsed file, checked to have a model of the given type ({@code WordPiece}, {@code BPE}; null: either). */
    static JsonNode read(Path file, String modelType) {
        JsonNode root;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw ClientErrorException.invalid("The 'tokenizer' artifact is over " + MAX_BYTES / (1024 * 1024) + " MB; is it a tokenizer.json?");
            }
            root = MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw ClientErrorException.invalid("The 'tokenizer' artifact is not a JSON tokenizer.json file", e);
        }
        JsonNode model = root == null ? null : root.get("model");
        String type = model == null ? null : model.path("type").asText();
        if (modelType == null ? !"WordPiece".equals(type) && !"BPE".equals(type) : !modelType.equals(type)) {
            throw ClientErrorException.invalid("The 'tokenizer' artifact must be a Hugging Face tokenizer.json with \"model\": {\"type\": \""
                    + (modelType == null ? "WordPiece\" or \"BPE" : modelType) + "\"}, got type " + (type == null ? "none" : "'" + type + "'"));
        }
        return root;
    }

    /** A regular expression from the file; a malformed one is a 400. */
    static Pattern regex(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw ClientErrorException.invalid("The tokenizer.json has a regular expression Java cannot read: " + e.getDescription(), e);
        }
    }

    /** The {@code model.vocab} object: token to id; ids must be distinct and non-negative. */
    static Map<String, Integer> vocab(JsonNode root) {
        JsonNode vocab = root.path("model").path("vocab");
        if (!vocab.isObject() || vocab.isEmpty()) {
            throw ClientErrorException.invalid("The tokenizer.json has no \"model\": {\"vocab\": {token: id}} object");
        }
        Map<String, Integer> out = new HashMap<>(vocab.size() * 2);
        for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isInt() || e.getValue().asInt() < 0) {
                throw ClientErrorException.invalid("The tokenizer.json vocab maps a token to " + e.getValue() + "; ids are non-negative integers");
            }
            out.put(e.getKey(), e.getValue().asInt());
        }
        // Added tokens (special ones like [CLS] or <|endoftext|>) may live only in "added_tokens".
        for (JsonNode t : root.path("added_tokens")) {
            if (t.path("content").isTextual() && t.path("id").isInt()) {
                out.putIfAbsent(t.get("content").asText(), t.get("id").asInt());
            }
        }
        return out;
    }

    /** The vocabulary as an array by id, checking ids are dense enough to index. */
    static String[] byId(Map<String, Integer> vocab) {
        int max = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        if (max >= vocab.size() * 2 + 1024) {
            throw ClientErrorException.invalid("The tokenizer.json vocab has " + vocab.size() + " tokens but ids up to " + max);
        }
        String[] out = new String[max + 1];
        vocab.forEach((token, id) -> {
            if (out[id] != null) {
                throw ClientErrorException.invalid("The tokenizer.json vocab gives id " + id + " to two tokens");
            }
            out[id] = token;
        });
        return out;
    }
}
