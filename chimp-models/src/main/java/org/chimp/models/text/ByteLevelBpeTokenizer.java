package org.chimp.models.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.chimp.api.error.ClientErrorException;

/**
 * Byte-level BPE as a Hugging Face {@code tokenizer.json} describes it ({@code "model": {"type": "BPE", "vocab":
 * {...}, "merges": [...]}}): the text is normalized (if the file says so), split into pieces (GPT-2's pattern for a
 * {@code ByteLevel} pre-tokenizer, or the pattern of a {@code Split} before it, as CLIP's file has), each piece's
 * UTF-8 bytes are mapped to printable characters (byte {@code 0x20} becomes {@code Ġ}), the piece's last symbol gets
 * the {@code end_of_word_suffix} if there is one (CLIP's {@code </w>}), and merges are applied lowest rank first.
 * Every byte has a token, so any text encodes, and decoding gives the bytes back (GPT-2 style, without suffix).
 * Special tokens written in the prompt are encoded as plain text, so a caller cannot inject an end-of-text.
 * Immutable, so safe to share between threads.
 */
public final class ByteLevelBpeTokenizer implements SequenceEncoder {
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
    private final UnaryOperator<String> normalizer;
    private final Pattern split;
    private final String suffix;
    private final SpecialTokens specials;

    private ByteLevelBpeTokenizer(Map<String, Integer> vocab, Map<String, Integer> mergeRanks, boolean addPrefixSpace,
                                  UnaryOperator<String> normalizer, Pattern split, String suffix, SpecialTokens specials) {
        this.vocab = Map.copyOf(vocab);
        this.byId = TokenizerJson.byId(vocab);
        this.mergeRanks = Map.copyOf(mergeRanks);
        this.addPrefixSpace = addPrefixSpace;
        this.normalizer = normalizer;
        this.split = split;
        this.suffix = suffix;
        this.specials = specials;
        for (char c : BYTE_TO_CHAR) {
            if (!vocab.containsKey(String.valueOf(c)) && !vocab.containsKey(c + suffix)) {
                throw ClientErrorException.invalid("The tokenizer.json vocab lacks the byte token '" + c + "' (byte "
                        + CHAR_TO_BYTE.get(c) + "); a byte-level BPE vocab has all 256");
            }
        }
    }

    /** Reads a tokenizer.json whose model is BPE with byte-level pre-tokenization. */
    public static ByteLevelBpeTokenizer read(Path tokenizerJson) {
        return of(TokenizerJson.read(tokenizerJson, "BPE"));
    }

    static ByteLevelBpeTokenizer of(JsonNode root) {
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
        Pattern split = GPT2_SPLIT;
        JsonNode byteLevel = pre;
        if ("Sequence".equals(pre.path("type").asText()) && pre.path("pretokenizers").size() == 2) {
            // CLIP: a Split that keeps what its pattern matches, then ByteLevel without GPT-2's pattern.
            JsonNode first = pre.path("pretokenizers").get(0);
            byteLevel = pre.path("pretokenizers").get(1);
            if (!"Split".equals(first.path("type").asText()) || !first.path("pattern").has("Regex")
                    || !first.path("invert").asBoolean(false) || !"Removed".equals(first.path("behavior").asText())) {
                throw ClientErrorException.invalid("The tokenizer.json's pre_tokenizer sequence must be a Split keeping its Regex matches "
                        + "(\"behavior\": \"Removed\", \"invert\": true) followed by ByteLevel, as CLIP's is");
            }
            split = TokenizerJson.regex(first.path("pattern").path("Regex").asText());
        }
        if (!"ByteLevel".equals(byteLevel.path("type").asText())) {
            throw ClientErrorException.invalid("The tokenizer.json's pre_tokenizer must be {\"type\": \"ByteLevel\"} (GPT-2 style) or a "
                    + "Split then ByteLevel (CLIP style), got " + pre.path("type").asText("none"));
        }
        JsonNode suffix = root.get("model").path("end_of_word_suffix");
        return new ByteLevelBpeTokenizer(vocab, ranks, byteLevel.path("add_prefix_space").asBoolean(false),
                Normalizers.of(root.get("normalizer")), split, suffix.isTextual() ? suffix.asText() : "",
                SpecialTokens.of(root, vocab, vocab.getOrDefault("<|endoftext|>", 0)));
    }

    @Override
    public long[] sequence(String text, int maxTokens) {
        return specials.wrap(encode(text), maxTokens);
    }

    @Override
    public long padId() {
        return specials.pad();
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
        String normalized = normalizer.apply(text);
        Matcher m = split.matcher(addPrefixSpace && !normalized.startsWith(" ") ? " " + normalized : normalized);
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
        if (!suffix.isEmpty() && token.endsWith(suffix)) { // the end of a word: its suffix stands for a space
            byte[] word = wordBytes(token.substring(0, token.length() - suffix.length()));
            byte[] spaced = java.util.Arrays.copyOf(word, word.length + 1);
            spaced[word.length] = ' ';
            return spaced;
        }
        return wordBytes(token);
    }

    private static byte[] wordBytes(String token) {
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
        if (!suffix.isEmpty() && to == bytes.length) {
            symbols.set(symbols.size() - 1, symbols.get(symbols.size() - 1) + suffix);
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
                String bare = !suffix.isEmpty() && s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
                for (int i = 0; i < bare.length(); i++) {
                    String b = String.valueOf(bare.charAt(i));
                    out.add(vocab.containsKey(b) ? vocab.get(b) : vocab.get(b + suffix));
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
