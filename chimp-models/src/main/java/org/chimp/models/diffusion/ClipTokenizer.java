package org.chimp.models.diffusion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.chimp.api.error.ClientErrorException;

/**
 * CLIP's byte-level BPE tokenizer (what Stable Diffusion's {@code tokenizer/} folder holds as vocab.json and
 * merges.txt), read from a Hugging Face {@code tokenizer.json} (e.g. openai/clip-vit-large-patch14's), which carries
 * the same vocabulary and merges in one file, so one content-addressed artifact is enough. Text is NFC-normalized,
 * whitespace-collapsed and lower-cased, split with CLIP's pattern, each piece's UTF-8 bytes mapped to GPT-2's
 * printable byte alphabet and merged by rank, the last symbol carrying {@code </w>}. (ftfy's mojibake repair and
 * HTML unescaping, which the Python original also applies, are left out.) Public only for its constants and byte
 * alphabet, which the tiny example tokenizer is built from.
 */
public final class ClipTokenizer {
    public static final String START = "<|startoftext|>";
    public static final String END = "<|endoftext|>";
    // Unicode white space, as Python's \s: without the flag Java's \s is ASCII only, and a no-break space would
    // become part of a punctuation piece.
    private static final Pattern PIECES = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|\\p{L}+|\\p{N}|[^\\s\\p{L}\\p{N}]+",
            Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern SPACES = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
    /** The end-of-word mark on a word's last symbol. */
    public static final String END_OF_WORD = "</w>";
    private static final char[] BYTE_CHARS = byteAlphabet();

    private final Map<String, Integer> vocab;
    private final Map<String, Integer> mergeRanks;
    private final int start;
    private final int end;
    private final int pad;

    ClipTokenizer(Map<String, Integer> vocab, List<String[]> merges, String padToken) {
        this.vocab = Map.copyOf(vocab);
        this.mergeRanks = new HashMap<>();
        for (int i = 0; i < merges.size(); i++) {
            mergeRanks.putIfAbsent(merges.get(i)[0] + " " + merges.get(i)[1], i);
        }
        this.start = id(START, "start token");
        this.end = id(END, "end token");
        this.pad = id(padToken, "'pad_token'");
    }

    /** Reads a Hugging Face tokenizer.json with a BPE model; anything else is a 400 naming the artifact. */
    static ClipTokenizer read(Path file, String padToken) {
        JsonNode model;
        try {
            model = new ObjectMapper().readTree(file.toFile()).path("model");
        } catch (IOException e) {
            throw ClientErrorException.invalid("The 'tokenizer' artifact is not a JSON tokenizer.json file", e);
        }
        JsonNode vocabJson = model.path("vocab");
        JsonNode mergesJson = model.path("merges");
        if (!model.path("type").asText().equals("BPE") || !vocabJson.isObject() || !mergesJson.isArray()) {
            throw ClientErrorException.invalid("The 'tokenizer' artifact must be a Hugging Face tokenizer.json with a BPE model"
                    + " (model.type \"BPE\", model.vocab, model.merges), as CLIP's");
        }
        Map<String, Integer> vocab = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = vocabJson.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
                throw ClientErrorException.invalid("The tokenizer's vocab maps '" + e.getKey() + "' to " + e.getValue() + ", not a token id");
            }
            vocab.put(e.getKey(), e.getValue().asInt());
        }
        List<String[]> merges = new ArrayList<>();
        for (JsonNode m : mergesJson) {
            // Older files write a merge as "a b", newer ones as ["a", "b"].
            String[] pair = m.isArray() && m.size() == 2 ? new String[] {m.get(0).asText(), m.get(1).asText()}
                    : m.isTextual() ? m.asText().split(" ", -1) : new String[0];
            if (pair.length != 2) {
                throw ClientErrorException.invalid("The tokenizer's merges must be \"a b\" strings or [a, b] pairs, got " + m);
            }
            merges.add(pair);
        }
        return new ClipTokenizer(vocab, merges, padToken);
    }

    /**
     * The token ids of a text, framed by the start and end tokens and padded to {@code length}; a longer text is cut
     * to fit, as diffusers' pipelines do (CLIP never sees past its 77 positions).
     */
    int[] encode(String text, int length) {
        int[] out = new int[length];
        Arrays.fill(out, pad);
        out[0] = start;
        int n = 1;
        String clean = SPACES.matcher(Normalizer.normalize(text, Normalizer.Form.NFC).strip()).replaceAll(" ").toLowerCase(Locale.ROOT);
        Matcher m = PIECES.matcher(clean);
        while (m.find() && n < length - 1) {
            for (String symbol : bpe(bytesAsChars(m.group()))) {
                if (n == length - 1) {
                    break;
                }
                out[n++] = vocab.getOrDefault(symbol, end);
            }
        }
        out[n] = end;
        return out;
    }

    /** Merges the lowest-ranked adjacent pair until no pair has a rank (GPT-2/CLIP's bpe()). */
    private List<String> bpe(String piece) {
        List<String> word = new ArrayList<>();
        for (int i = 0; i < piece.length(); i++) {
            word.add(i == piece.length() - 1 ? piece.charAt(i) + END_OF_WORD : String.valueOf(piece.charAt(i)));
        }
        while (word.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            int best = -1;
            for (int i = 0; i + 1 < word.size(); i++) {
                Integer rank = mergeRanks.get(word.get(i) + " " + word.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            String first = word.get(best);
            String second = word.get(best + 1);
            List<String> merged = new ArrayList<>(word.size());
            for (int i = 0; i < word.size(); i++) {
                if (i + 1 < word.size() && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
                    merged.add(first + second);
                    i++;
                } else {
                    merged.add(word.get(i));
                }
            }
            word = merged;
        }
        return word;
    }

    private int id(String token, String what) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw ClientErrorException.invalid("The tokenizer's vocab has no " + what + " '" + token + "'");
        }
        return id;
    }

    /** The largest token id, so the text encoder's embedding table can be checked against it. */
    int maxId() {
        return vocab.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    private static String bytesAsChars(String piece) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = BYTE_CHARS[bytes[i] & 0xff];
        }
        return new String(chars);
    }

    /**
     * GPT-2's bytes_to_unicode(): printable bytes stand for themselves, the others for code points from 256 on.
     * Public for the tiny example tokenizer, whose vocabulary starts with these 256 symbols.
     */
    public static char[] byteAlphabet() {
        char[] out = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE && b <= 0xFF;
            out[b] = (char) (printable ? b : next++);
        }
        return out;
    }
}
