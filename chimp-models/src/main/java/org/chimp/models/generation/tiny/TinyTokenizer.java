package org.chimp.models.generation.tiny;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A small GPT-2-style tokenizer.json: the 256 byte tokens (ids 0-255 in byte order, written with GPT-2's
 * printable byte characters), a few merges spelling "hello" and " the", and {@code <|endoftext|>} as an added token.
 */
public final class TinyTokenizer {
    public static final List<String> MERGES = List.of("h e", "l l", "Ġ t", "Ġt he", "he ll", "hell o");
    public static final String EOS = "<|endoftext|>";

    private TinyTokenizer() {
    }

    /** The vocabulary size, end-of-sequence token included. */
    public static int vocabSize() {
        return 256 + MERGES.size() + 1;
    }

    /** The id of the end-of-sequence token. */
    public static int eos() {
        return vocabSize() - 1;
    }

    public static byte[] json() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode().put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        root.putArray("added_tokens").addObject().put("id", eos()).put("content", EOS).put("single_word", false)
                .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", true);
        root.putNull("post_processor");
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", true);
        ObjectNode model = root.putObject("model").put("type", "BPE").putNull("dropout").putNull("unk_token")
                .putNull("continuing_subword_prefix").putNull("end_of_word_suffix").put("fuse_unk", false).put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        int next = 256;
        int printable = 256;
        for (int b = 0; b < 256; b++) {
            boolean keep = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            vocab.put(String.valueOf((char) (keep ? b : printable++)), b);
        }
        for (String m : MERGES) {
            vocab.put(m.replace(" ", ""), next++);
        }
        MERGES.forEach(model.putArray("merges")::add);
        return root.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
