package org.chimp.models.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.chimp.api.error.ClientErrorException;

/**
 * GPT-2's byte-level BPE as a Hugging Face {@code tokenizer.json} describes it ({@code "model": {"type": "BPE",
 * "vocab": {...}, "merges": [...]}} with a {@code ByteLevel} pre-tokenizer): the text is split with GPT-2's pattern,
 * each piece's UTF-8 bytes are mapped to printable characters (byte {@code 0x20} becomes {@code Ġ}), and merges are
 * applied lowest rank first. Every byte has a token, so any text encodes and decoding gives the bytes back.
 * Special tokens written in the prompt are encoded as plain text, so a caller cannot inject an end-of-text.
 * Immutable, so safe to share between threads.
 */
public final class ByteLevelBpeTokenizer {
    private static final Pattern GPT2_SPLIT = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");
    /**
     * BPE on one piece costs quadratic time in its length; GPT-2's pattern lets a piece be a whole run of letters or
     * spaces, so one 30,000-letter word would cost a billion steps. Longer pieces are cut into chunks of this many
     * bytes first, which only changes how such (meaningless) runs are split.
     */
    static final int MAX_PIECE_BYTES = 128;
    private static final char[] BYTE_TO_CHAR = byteToChar();
    private static final Map<Character, Integer> CHAR_TO_BYTE = charToByte();

    private final Map<String, Integer> vocab;
    private final String[] byId;
    private final Map<String, Integer> mergeRanks;
    private final boolean addPrefixSpace;

    private ByteLevelBpeTokenizer(Map<String, Integer> vocab, Map<String, Integer> mergeRanks, boolean addPrefixSpace) {
        this.vocab = Map.copyOf(vocab);
        this.byId = TokenizerJson.byId(vocab);
        this.mergeRanks = Map.copyOf(mergeRanks);
        this.addPrefixSpace = addPrefixSpace;
        for (char c : BYTE_TO_CHAR) {
            if (!vocab.containsKey(String.valueOf(c))) {
                throw ClientErrorException.invalid("The tokenizer.json vocab lacks the byte token '" + c + "' (byte "
                        + CHAR_TO_BYTE.get(c) + "); a byte-level BPE vocab has all 256");
            }
        }
    }

    /** Reads a tokenizer.json whose model is BPE with byte-level pre-tokenization. */
    public static ByteLevelBpeTokenizer read(Path tokenizerJson) {
        JsonNode root = TokenizerJson.read(tokenizerJson, "BPE");
        Map<String, Integer> vocab = TokenizerJson.vocab(root);
        Map<String, Integer> ranks = new HashMap<>();
        JsonNode merges = root.get("model").path("merges");
        for (JsonNode m : merges) {
            // Older files write a merge as "a b", newer ones as ["a", "b"].
            String pair = m.isArray() && m.size() == 2 ? m.get(0).asText() + " " + m.get(1).asText() : m.asText();
            if (pair.indexOf(' ') <= 0) {
                throw ClientErrorException.invalid("The tokenizer.json has a malformed merge " + m + "; merges are \"a b\" or [\"a\", \"b\"]");
            }
            ranks.putIfAbsent(pair, ranks.size());
        }
        JsonNode pre = root.path("pre_tokenizer");
        if (!"ByteLevel".equals(pre.path("type").asText())) {
            throw ClientErrorException.invalid("The tokenizer.json's pre_tokenizer must be {\"type\": \"ByteLevel\"} (GPT-2 style), got "
                    + pre.path("type").asText("none"));
        }
        return new ByteLevelBpeTokenizer(vocab, ranks, pre.path("add_prefix_space").asBoolean(false));
    }

    /** The id of a token (e.g. {@code <|endoftext|>}), or -1 when the vocab lacks it. */
    public int idOrMinusOne(String token) {
        return vocab.getOrDefault(token, -1);
    }

    /** How many ids the vocabulary spans. */
    public int vocabSize() {
        return byId.length;
    }

    /** The token ids of a text. */
    public List<Integer> encode(String text) {
        List<Integer> ids = new ArrayList<>();
        Matcher m = GPT2_SPLIT.matcher(addPrefixSpace && !text.startsWith(" ") ? " " + text : text);
        while (m.find()) {
            byte[] bytes = m.group().getBytes(StandardCharsets.UTF_8);
            for (int start = 0; start < bytes.length; start += MAX_PIECE_BYTES) {
                bpe(bytes, start, Math.min(bytes.length, start + MAX_PIECE_BYTES), ids);
            }
        }
        return ids;
    }

    /** The bytes a token stands for (empty for an id the vocab does not have). */
    public byte[] bytes(int id) {
        if (id < 0 || id >= byId.length || byId[id] == null) {
            return new byte[0];
        }
        String token = byId[id];
        ByteArrayOutputStream out = new ByteArrayOutputStream(token.length());
        for (int i = 0; i < token.length(); i++) {
            Integer b = CHAR_TO_BYTE.get(token.charAt(i));
            if (b == null) { // an added token such as <|endoftext|> is written as its text
                return token.getBytes(StandardCharsets.UTF_8);
            }
            out.write(b);
        }
        return out.toByteArray();
    }

    /** The text of a sequence of ids; invalid UTF-8 (a character cut between tokens) becomes U+FFFD. */
    public String decode(List<Integer> ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) {
            out.writeBytes(bytes(id));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private void bpe(byte[] bytes, int from, int to, List<Integer> out) {
        List<String> symbols = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            symbols.add(String.valueOf(BYTE_TO_CHAR[bytes[i] & 0xff]));
        }
        while (symbols.size() > 1) {
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Integer rank = mergeRanks.get(symbols.get(i) + " " + symbols.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            String left = symbols.get(best);
            String right = symbols.get(best + 1);
            // Merge every occurrence of the best pair, left to right, as the reference implementation does.
            List<String> merged = new ArrayList<>(symbols.size());
            for (int i = 0; i < symbols.size(); i++) {
                if (i + 1 < symbols.size() && symbols.get(i).equals(left) && symbols.get(i + 1).equals(right)) {
                    merged.add(left + right);
                    i++;
                } else {
                    merged.add(symbols.get(i));
                }
            }
            symbols = merged;
        }
        for (String s : symbols) {
            Integer id = vocab.get(s);
            if (id != null) {
                out.add(id);
            } else { // a merge result missing from the vocab: fall back to its bytes, which always exist
                for (int i = 0; i < s.length(); i++) {
                    out.add(vocab.get(String.valueOf(s.charAt(i))));
                }
            }
        }
    }

    /** GPT-2's reversible map from bytes to printable characters: printable Latin-1 stays, the rest moves to 256+. */
    private static char[] byteToChar() {
        char[] map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char) b : (char) next++;
        }
        return map;
    }

    private static Map<Character, Integer> charToByte() {
        Map<Character, Integer> map = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            map.put(BYTE_TO_CHAR[b], b);
        }
        return map;
    }
}
