package org.chimp.models.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.chimp.api.error.ClientErrorException;

/**
 * BERT's tokenizer as Hugging Face's {@code tokenizer.json} describes it: the {@code BertNormalizer} (clean control
 * characters, space out CJK characters, strip accents, lowercase), the {@code BertPreTokenizer} (split on
 * whitespace, each punctuation character a word of its own) and greedy longest-match {@code WordPiece} with the
 * {@code ##} continuation prefix. Special tokens written in the text ({@code "[SEP]"}) are tokenized as plain text,
 * so a caller cannot inject them. Immutable, so safe to share between threads.
 */
public final class WordPieceTokenizer implements SequenceEncoder {
    private final Map<String, Integer> vocab;
    private final String[] byId;
    private final int unk;
    private final String prefix;
    private final int maxCharsPerWord;
    private final boolean lowercase;
    private final boolean stripAccents;
    private final boolean cleanText;
    private final boolean spaceCjk;
    private final SpecialTokens specials;

    private WordPieceTokenizer(Map<String, Integer> vocab, int unk, String prefix, int maxCharsPerWord, boolean lowercase,
                               boolean stripAccents, boolean cleanText, boolean spaceCjk, SpecialTokens specials) {
        this.vocab = Map.copyOf(vocab);
        this.byId = TokenizerJson.byId(vocab);
        this.unk = unk;
        this.prefix = prefix;
        this.maxCharsPerWord = maxCharsPerWord;
        this.lowercase = lowercase;
        this.stripAccents = stripAccents;
        this.cleanText = cleanText;
        this.spaceCjk = spaceCjk;
        this.specials = specials;
    }

    /** Reads a tokenizer.json whose model is WordPiece. */
    public static WordPieceTokenizer read(Path tokenizerJson) {
        return of(TokenizerJson.read(tokenizerJson, "WordPiece"));
    }

    static WordPieceTokenizer of(JsonNode root) {
        Map<String, Integer> vocab = TokenizerJson.vocab(root);
        JsonNode model = root.get("model");
        String unkToken = model.path("unk_token").asText("[UNK]");
        Integer unk = vocab.get(unkToken);
        if (unk == null) {
            throw ClientErrorException.invalid("The tokenizer.json's unknown token '" + unkToken + "' is not in its vocab");
        }
        JsonNode norm = root.path("normalizer");
        boolean lowercase = norm.path("lowercase").asBoolean(true);
        JsonNode strip = norm.path("strip_accents");
        // As in Hugging Face: strip_accents left null follows lowercase.
        boolean stripAccents = strip.isBoolean() ? strip.asBoolean() : lowercase;
        return new WordPieceTokenizer(vocab, unk, model.path("continuing_subword_prefix").asText("##"),
                model.path("max_input_chars_per_word").asInt(100), lowercase, stripAccents,
                norm.path("clean_text").asBoolean(true), norm.path("handle_chinese_chars").asBoolean(true),
                SpecialTokens.of(root, vocab, 0));
    }

    @Override
    public long[] sequence(String text, int maxTokens) {
        return specials.wrap(encode(text, specials.room(maxTokens)), maxTokens);
    }

    @Override
    public long padId() {
        return specials.pad();
    }

    /** The token with this id. */
    public String token(int id) {
        return byId[id];
    }

    /** The ids of the text's word pieces, without special tokens. */
    public List<Integer> encode(String text) {
        return encode(text, Integer.MAX_VALUE);
    }

    /** The first {@code limit} ids of the text's word pieces: a model that truncates need not tokenize the rest. */
    public List<Integer> encode(String text, int limit) {
        List<Integer> ids = new ArrayList<>();
        for (String word : words(normalize(text))) {
            wordPieces(word, ids);
            if (ids.size() >= limit) {
                return ids.subList(0, limit);
            }
        }
        return ids;
    }

    /** The word-piece strings, for tests and debugging. */
    public List<String> tokenize(String text) {
        return encode(text).stream().map(this::token).toList();
    }

    String normalize(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (cleanText && (cp == 0 || cp == 0xFFFD || isControl(cp))) {
                return;
            }
            if (cleanText && isWhitespace(cp)) {
                b.append(' ');
            } else if (spaceCjk && isCjk(cp)) {
                b.append(' ').appendCodePoint(cp).append(' ');
            } else {
                b.appendCodePoint(cp);
            }
        });
        String s = b.toString();
        if (stripAccents) {
            s = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{Mn}", "");
        }
        return lowercase ? s.toLowerCase(Locale.ROOT) : s;
    }

    /** Whitespace separates words; every punctuation character is a word of its own. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        text.codePoints().forEach(cp -> {
            if (isWhitespace(cp) || isPunctuation(cp)) {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
                if (!isWhitespace(cp)) {
                    words.add(Character.toString(cp));
                }
            } else {
                word.appendCodePoint(cp);
            }
        });
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        return words;
    }

    /** Greedy longest match first; a word with a part no piece matches becomes one unknown token. */
    private void wordPieces(String word, List<Integer> out) {
        int[] cps = word.codePoints().toArray();
        if (cps.length > maxCharsPerWord) {
            out.add(unk);
            return;
        }
        int mark = out.size();
        int start = 0;
        while (start < cps.length) {
            Integer found = null;
            int end = cps.length;
            for (; end > start; end--) {
                String piece = new String(cps, start, end - start);
                found = vocab.get(start > 0 ? prefix + piece : piece);
                if (found != null) {
                    break;
                }
            }
            if (found == null) {
                out.subList(mark, out.size()).clear();
                out.add(unk);
                return;
            }
            out.add(found);
            start = end;
        }
    }

    private static boolean isWhitespace(int cp) {
        return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || Character.isWhitespace(cp) || Character.isSpaceChar(cp);
    }

    private static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE
                || type == Character.SURROGATE || type == Character.UNASSIGNED;
    }

    /** ASCII symbols such as $ + < = > ^ ` | ~ count as punctuation for BERT, as do Unicode's P* categories. */
    private static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    private static boolean isCjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
