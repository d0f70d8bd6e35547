package org.chimp.models.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.text.Normalizer;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.chimp.api.error.ClientErrorException;

/**
 * The text normalizers a byte-level BPE tokenizer.json may declare (CLIP's is {@code NFC}, whitespace runs to one
 * space, {@code Lowercase}); an unknown one is a 400 rather than a silently different tokenization.
 */
final class Normalizers {
    private Normalizers() {
    }

    static UnaryOperator<String> of(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return UnaryOperator.identity();
        }
        String type = n.path("type").asText("");
        return switch (type) {
            case "Sequence" -> {
                UnaryOperator<String> all = UnaryOperator.identity();
                for (JsonNode each : n.path("normalizers")) {
                    UnaryOperator<String> before = all;
                    UnaryOperator<String> step = of(each);
                    all = s -> step.apply(before.apply(s));
                }
                yield all;
            }
            case "Lowercase" -> s -> s.toLowerCase(Locale.ROOT);
            case "NFC" -> s -> Normalizer.normalize(s, Normalizer.Form.NFC);
            case "NFD" -> s -> Normalizer.normalize(s, Normalizer.Form.NFD);
            case "NFKC" -> s -> Normalizer.normalize(s, Normalizer.Form.NFKC);
            case "NFKD" -> s -> Normalizer.normalize(s, Normalizer.Form.NFKD);
            case "Strip" -> String::strip;
            case "Replace" -> replace(n);
            default -> throw ClientErrorException.invalid("The tokenizer.json's normalizer '" + type + "' is not supported; CHIMP reads "
                    + "Sequence, Lowercase, NFC, NFD, NFKC, NFKD, Strip and Replace");
        };
    }

    private static UnaryOperator<String> replace(JsonNode n) {
        JsonNode pattern = n.path("pattern");
        String content = Matcher.quoteReplacement(n.path("content").asText(""));
        Pattern p = pattern.has("Regex") ? TokenizerJson.regex(pattern.get("Regex").asText())
                : Pattern.compile(Pattern.quote(pattern.path("String").asText()));
        return s -> p.matcher(s).replaceAll(content);
    }
}
