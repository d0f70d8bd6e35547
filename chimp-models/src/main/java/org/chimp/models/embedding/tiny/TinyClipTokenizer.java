package org.chimp.models.embedding.tiny;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A small tokenizer.json laid out as CLIP's is: NFC, whitespace runs to one space and lowercase; a Split keeping
 * CLIP's pattern's matches, then ByteLevel; BPE with the {@code </w>} end-of-word suffix (every byte with and
 * without it); {@code <|startoftext|>} and {@code <|endoftext|>} around each sequence (RobertaProcessing).
 */
public final class TinyClipTokenizer {
    public static final List<String> MERGES = List.of("r e", "re d</w>", "g r", "e e", "gr ee", "gree n</w>", "b l", "bl u",
            "blu e</w>", "c a", "ca t</w>");
    public static final String SPLIT = "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

    private TinyClipTokenizer() {
    }

    /** The id of a merged token such as {@code red</w>}. */
    public static int id(String token) {
        for (int i = 0; i < MERGES.size(); i++) {
            if (MERGES.get(i).replace(" ", "").equals(token)) {
                return 512 + i;
            }
        }
        throw new IllegalArgumentException(token);
    }

    public static int bos() {
        return 512 + MERGES.size();
    }

    public static int eos() {
        return bos() + 1;
    }

    public static int vocabSize() {
        return eos() + 1;
    }

    public static byte[] json() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode().put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        added.addObject().put("id", bos()).put("content", "<|startoftext|>").put("single_word", false).put("lstrip", false)
                .put("rstrip", false).put("normalized", true).put("special", true);
        added.addObject().put("id", eos()).put("content", "<|endoftext|>").put("single_word", false).put("lstrip", false)
                .put("rstrip", false).put("normalized", true).put("special", true);
        ObjectNode normalizer = root.putObject("normalizer").put("type", "Sequence");
        ArrayNode norms = normalizer.putArray("normalizers");
        norms.addObject().put("type", "NFC");
        ObjectNode replace = norms.addObject().put("type", "Replace");
        replace.putObject("pattern").put("Regex", "\\s+");
        replace.put("content", " ");
        norms.addObject().put("type", "Lowercase");
        ObjectNode pre = root.putObject("pre_tokenizer").put("type", "Sequence");
        ObjectNode split = pre.putArray("pretokenizers").addObject().put("type", "Split");
        split.putObject("pattern").put("Regex", SPLIT);
        split.put("behavior", "Removed").put("invert", true);
        ((ArrayNode) pre.get("pretokenizers")).addObject().put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", true).put("use_regex", false);
        ObjectNode post = root.putObject("post_processor").put("type", "RobertaProcessing");
        post.putArray("sep").add("<|endoftext|>").add(eos());
        post.putArray("cls").add("<|startoftext|>").add(bos());
        post.put("trim_offsets", false).put("add_prefix_space", false);
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = root.putObject("model").put("type", "BPE").putNull("dropout").put("unk_token", "<|endoftext|>")
                .put("continuing_subword_prefix", "").put("end_of_word_suffix", "</w>").put("fuse_unk", false).put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        int printable = 256;
        for (int b = 0; b < 256; b++) {
            boolean keep = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            String c = String.valueOf((char) (keep ? b : printable++));
            vocab.put(c, b);
            vocab.put(c + "</w>", 256 + b);
        }
        for (int i = 0; i < MERGES.size(); i++) {
            vocab.put(MERGES.get(i).replace(" ", ""), 512 + i);
        }
        vocab.put("<|startoftext|>", bos());
        vocab.put("<|endoftext|>", eos());
        MERGES.forEach(model.putArray("merges")::add);
        return root.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
