package org.chimp.models.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.chimp.api.error.ClientErrorException;

/**
 * The tokens a tokenizer.json's {@code post_processor} puts around one sequence, and the padding id.
 *
 * @param first the id before the pieces, or -1
 * @param last  the id after the pieces, or -1
 * @param pad   the id padding positions hold
 */
record SpecialTokens(int first, int last, int pad) {
    /** Reads {@code TemplateProcessing} (its single-sequence template), {@code BertProcessing} or {@code RobertaProcessing}. */
    static SpecialTokens of(JsonNode root, Map<String, Integer> vocab, int defaultPad) {
        JsonNode post = root.path("post_processor");
        int first = -1;
        int last = -1;
        switch (post.path("type").asText("")) {
            case "TemplateProcessing" -> {
                JsonNode single = post.path("single");
                if (single.size() > 0) {
                    first = templateId(post, single.get(0));
                    last = single.size() > 1 ? templateId(post, single.get(single.size() - 1)) : -1;
                }
            }
            case "BertProcessing", "RobertaProcessing" -> {
                first = post.path("cls").path(1).asInt(-1);
                last = post.path("sep").path(1).asInt(-1);
            }
            case "", "ByteLevel" -> { } // GPT-2's post-processor only trims offsets
            default -> throw ClientErrorException.invalid("The tokenizer.json's post_processor '" + post.path("type").asText()
                    + "' is not supported; CHIMP reads TemplateProcessing, BertProcessing and RobertaProcessing");
        }
        JsonNode padding = root.path("padding");
        int pad = padding.path("pad_id").isInt() ? padding.get("pad_id").asInt() : vocab.getOrDefault("[PAD]", defaultPad);
        for (int id : List.of(first, last, pad)) {
            if (id < -1) {
                throw ClientErrorException.invalid("The tokenizer.json's post_processor names token id " + id);
            }
        }
        return new SpecialTokens(first, last, Math.max(pad, 0));
    }

    /** A template element's id: -1 for the sequence itself, else the special token's (first) id. */
    private static int templateId(JsonNode post, JsonNode element) {
        JsonNode special = element.path("SpecialToken");
        if (special.isMissingNode()) {
            return -1;
        }
        JsonNode ids = post.path("special_tokens").path(special.path("id").asText()).path("ids");
        if (!ids.isArray() || ids.size() != 1 || !ids.get(0).isInt()) {
            throw ClientErrorException.invalid("The tokenizer.json's template names special token '" + special.path("id").asText()
                    + "' without exactly one id in \"special_tokens\"");
        }
        return ids.get(0).asInt();
    }

    /** Wraps the pieces: {@code first}, up to {@code maxTokens} minus the special tokens of pieces, {@code last}. */
    long[] wrap(List<Integer> pieces, int maxTokens) {
        int specials = (first >= 0 ? 1 : 0) + (last >= 0 ? 1 : 0);
        int n = Math.max(0, Math.min(pieces.size(), maxTokens - specials));
        long[] ids = new long[n + specials];
        int at = 0;
        if (first >= 0) {
            ids[at++] = first;
        }
        for (int i = 0; i < n; i++) {
            ids[at++] = pieces.get(i);
        }
        if (last >= 0) {
            ids[at] = last;
        }
        return ids;
    }

    /** How many pieces fit beside the special tokens in {@code maxTokens}. */
    int room(int maxTokens) {
        return Math.max(0, maxTokens - (first >= 0 ? 1 : 0) - (last >= 0 ? 1 : 0));
    }
}
