package org.chimp.models.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.chimp.models.generation.tiny.TinyTokenizer;
import org.chimp.models.text.ByteLevelBpeTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteLevelBpeTokenizerTest {
    @TempDir
    Path dir;

    private ByteLevelBpeTokenizer tokenizer() throws Exception {
        return ByteLevelBpeTokenizer.read(Files.write(dir.resolve("tokenizer.json"), TinyTokenizer.json()));
    }

    @Test
    void appliesMergesByRankAndDecodesBackToTheText() throws Exception {
        ByteLevelBpeTokenizer t = tokenizer();
        // "hello" merges all the way; " the" becomes one token; the rest stays bytes.
        assertThat(t.encode("hello the")).containsExactly(256 + 5, 256 + 3);
        assertThat(t.encode("A")).containsExactly((int) 'A');
        assertThat(t.encode(" ")).containsExactly((int) ' ');
        for (String text : List.of("hello the world", "émoji 🐒 and 北京", "tabs\tand\nnewlines  ", "<|endoftext|> is text here", "")) {
            assertThat(t.decode(t.encode(text))).isEqualTo(text);
        }
        assertThat(t.encode("<|endoftext|>")).doesNotContain(TinyTokenizer.eos());
        assertThat(t.idOrMinusOne(TinyTokenizer.EOS)).isEqualTo(TinyTokenizer.eos());
        assertThat(t.idOrMinusOne("nope")).isEqualTo(-1);
        assertThat(new String(t.bytes(256 + 3), StandardCharsets.UTF_8)).isEqualTo(" the");
    }

    @Test
    void givesTheSameIdsAsHuggingFaceTokenizers() throws Exception {
        ByteLevelBpeTokenizer ours = tokenizer();
        try (HuggingFaceTokenizer reference = HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"),
                Map.of("padding", "false", "truncation", "false"))) {
            for (String text : List.of("hello the world", "Hello  there,   the hellos!", "émoji 🐒 and 北京 123 4567",
                    "it's we'll they'd I'm", "tabs\tand\nnewlines  ", " leading space", "a-b_c.d")) {
                long[] expected = reference.encode(text, false, false).getIds();
                assertThat(ours.encode(text).stream().mapToLong(Integer::longValue).toArray()).as(text).containsExactly(expected);
            }
        }
    }

    @Test
    void aHugeWordIsCutIntoChunksAndStillRoundTrips() throws Exception {
        ByteLevelBpeTokenizer t = tokenizer();
        String word = "hello".repeat(6000);
        List<Integer> ids = t.encode(word);
        assertThat(t.decode(ids)).isEqualTo(word);
        assertThat(ids.size()).isLessThan(word.length());
    }

    @Test
    void utf8StreamHoldsBackCharactersSplitOverTokens() {
        Utf8Stream s = new Utf8Stream();
        byte[] ape = "🐒".getBytes(StandardCharsets.UTF_8);
        List<String> pieces = new ArrayList<>();
        pieces.add(s.add("a".getBytes(StandardCharsets.UTF_8)));
        pieces.add(s.add(new byte[] {ape[0], ape[1]}));
        pieces.add(s.add(new byte[] {ape[2]}));
        pieces.add(s.add(new byte[] {ape[3], 'b'}));
        pieces.add(s.flush());
        assertThat(pieces).containsExactly("a", "", "", "🐒b", "");
        assertThat(s.text()).isEqualTo("a🐒b");
        Utf8Stream cut = new Utf8Stream();
        assertThat(cut.add(new byte[] {ape[0]})).isEmpty();
        assertThat(cut.flush()).isEqualTo("\uFFFD");
    }

    @Test
    void aTokenizerWithoutByteTokensOrOfAnotherKindIsA400() throws Exception {
        Path wp = Files.writeString(dir.resolve("wp.json"), "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 0}}}");
        assertInvalid(() -> ByteLevelBpeTokenizer.read(wp)).contains("\"BPE\"");
        Path few = Files.writeString(dir.resolve("few.json"),
                "{\"pre_tokenizer\": {\"type\": \"ByteLevel\"}, \"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}}");
        assertInvalid(() -> ByteLevelBpeTokenizer.read(few)).contains("lacks the byte token");
        Path noPre = Files.writeString(dir.resolve("nopre.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}}");
        assertInvalid(() -> ByteLevelBpeTokenizer.read(noPre)).contains("ByteLevel");
        Path badMerge = Files.writeString(dir.resolve("bad.json"),
                "{\"pre_tokenizer\": {\"type\": \"ByteLevel\"}, \"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"ab\"]}}");
        assertInvalid(() -> ByteLevelBpeTokenizer.read(badMerge)).contains("malformed merge");
    }
}
