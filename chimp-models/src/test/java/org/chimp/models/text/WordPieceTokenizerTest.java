package org.chimp.models.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordPieceTokenizerTest {
    /** Accents, punctuation, CJK, emoji, control characters, words missing from the vocab, odd spaces. */
    private static final List<String> TEXTS = List.of(
            "Hello, world!", "The chimpanzee's café serves crème brûlée.", "don't stop-believing (1999) $5.00 <tag> a|b",
            "北京欢迎你 and 東京", "emoji 🐒🍌 here", "tab\there\u00a0nbsp\u200bzero-width\u0007bell",
            "unaffable counterrevolutionaries antidisestablishmentarianism", "ÀÉÎÕÜ Ñandú Ærøskøbing straße",
            "x".repeat(120) + " long word", "   leading and trailing   ", "");

    @TempDir
    Path dir;

    @Test
    void givesTheSameIdsAsHuggingFaceTokenizersForMiniLmsVocab() throws Exception {
        Path json = dir.resolve("tokenizer.json");
        try (InputStream in = getClass().getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            Files.copy(in, json);
        }
        WordPieceTokenizer ours = WordPieceTokenizer.read(json);
        try (HuggingFaceTokenizer reference = HuggingFaceTokenizer.newInstance(json, Map.of("padding", "false", "truncation", "false"))) {
            for (String text : TEXTS) {
                long[] expected = reference.encode(text, false, false).getIds();
                long[] actual = ours.encode(text).stream().mapToLong(Integer::longValue).toArray();
                assertThat(actual).as("ids of '" + text + "': " + ours.tokenize(text) + " vs "
                        + Arrays.toString(reference.encode(text, false, false).getTokens())).containsExactly(expected);
            }
        }
        assertThat(ours.tokenize("Unaffable!")).containsExactly("una", "##ffa", "##ble", "!");
        assertThat(ours.encode("one two three four", 2)).hasSize(2);
    }

    @Test
    void aFileThatIsNotAWordPieceTokenizerIsA400() throws Exception {
        Path bpe = dir.resolve("bpe.json");
        Files.writeString(bpe, "{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}");
        assertInvalid(() -> WordPieceTokenizer.read(bpe)).contains("\"WordPiece\"", "got type 'BPE'");
        Path junk = dir.resolve("junk.json");
        Files.writeString(junk, "not json at all");
        assertInvalid(() -> WordPieceTokenizer.read(junk)).contains("not a JSON tokenizer.json");
        Path noUnk = dir.resolve("nounk.json");
        Files.writeString(noUnk, "{\"model\": {\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\", \"vocab\": {\"a\": 0}}}");
        assertInvalid(() -> WordPieceTokenizer.read(noUnk)).contains("'[UNK]' is not in its vocab");
    }
}
