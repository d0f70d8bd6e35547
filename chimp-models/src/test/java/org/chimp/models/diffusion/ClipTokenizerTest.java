package org.chimp.models.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.chimp.models.diffusion.tiny.TinyDiffusion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipTokenizerTest {
    /** In the tiny vocabulary: byte symbols 0-255, the same with </w> 256-511, merged words from 512, then start and end. */
    private static final int A_END = 256 + 'a';
    private static final int BANG_END = 256 + '!';

    @TempDir
    Path dir;

    @Test
    void mergesKnownWordsAndFramesThemWithStartEndAndPadding() throws Exception {
        ClipTokenizer t = tiny();
        int start = 544;
        int end = 545;
        // "red" merges r+e (512) then re+d</w> (513); "fox" f+o (514), fo+x</w> (515). Case and spacing do not matter.
        assertThat(t.encode("  A RED\tfox! ", 10)).containsExactly(start, A_END, 513, 515, BANG_END, end, end, end, end, end);
        assertThat(t.encode("", 4)).containsExactly(start, end, end, end);
        // Unicode spaces separate words as ASCII ones do; digits are single pieces; "'s" splits off as in CLIP.
        assertThat(t.encode("red\u00A0fox\u3000!", 10)).isEqualTo(t.encode("red fox !", 10));
        assertThat(Arrays.copyOfRange(t.encode("42", 8), 1, 3)).containsExactly(256 + '4', 256 + '2');
        assertThat(Arrays.copyOfRange(t.encode("fox's", 8), 1, 4)).containsExactly(515, '\'', 256 + 's');
    }

    @Test
    void unmergedWordsFallBackToByteSymbolsAndNonAsciiToItsUtf8Bytes() throws Exception {
        ClipTokenizer t = tiny();
        // "xyz": no merges, so x, y, z</w>.
        assertThat(Arrays.copyOfRange(t.encode("xyz", 8), 1, 4)).containsExactly('x', 'y', 256 + 'z');
        // "é" is UTF-8 C3 A9: both bytes are printable in GPT-2's alphabet, so they stand for themselves.
        char[] alphabet = ClipTokenizer.byteAlphabet();
        assertThat(Arrays.copyOfRange(t.encode("é", 8), 1, 3)).containsExactly(alphabet[0xC3], 256 + alphabet[0xA9]);
        assertThat((int) alphabet[' ']).as("space is not printable, so it maps above 255").isGreaterThan(255);
    }

    @Test
    void longTextIsCutToTheEncodersPositionsEndingWithTheEndToken() throws Exception {
        int[] ids = tiny().encode("red ".repeat(200), 77);
        assertThat(ids).hasSize(77);
        assertThat(ids[75]).isEqualTo(513);
        assertThat(ids[76]).isEqualTo(545);
    }

    @Test
    void readsMergesWrittenAsPairsToo() throws Exception {
        Path file = dir.resolve("pairs.json");
        Files.writeString(file, """
                {"model": {"type": "BPE", "vocab": {"h": 0, "i</w>": 1, "hi</w>": 2, "<|startoftext|>": 3, "<|endoftext|>": 4},
                           "merges": [["h", "i</w>"]]}}""");
        assertThat(ClipTokenizer.read(file, "<|endoftext|>").encode("hi", 4)).containsExactly(3, 2, 4, 4);
    }

    @Test
    void malformedTokenizerFilesAre400s() throws Exception {
        for (Map.Entry<String, String> bad : Map.of(
                "not json", "JSON tokenizer.json",
                "{\"model\": {\"type\": \"Unigram\", \"vocab\": {}, \"merges\": []}}", "BPE model",
                "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": \"x\"}, \"merges\": []}}", "not a token id",
                "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a b c\"]}}", "merges must be",
                "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}}", "no start token").entrySet()) {
            Path file = dir.resolve("bad.json");
            Files.writeString(file, bad.getKey());
            assertInvalid(() -> ClipTokenizer.read(file, "<|endoftext|>")).contains(bad.getValue());
        }
    }

    private ClipTokenizer tiny() throws Exception {
        Path file = dir.resolve("tokenizer.json");
        Files.write(file, TinyDiffusion.tokenizer());
        assertThat(new String(TinyDiffusion.tokenizer(), StandardCharsets.UTF_8)).contains("\"red</w>\":513");
        return ClipTokenizer.read(file, List.of("<|endoftext|>").get(0));
    }
}
