package org.chimp.models.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.chimp.models.embedding.tiny.TinyClipTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipStyleTokenizerTest {
    @TempDir
    Path dir;

    @Test
    void givesTheSameSequencesAsHuggingFaceTokenizers() throws Exception {
        Path json = Files.write(dir.resolve("clip.json"), TinyClipTokenizer.json());
        SequenceEncoder ours = SequenceEncoder.read(json);
        assertThat(ours).isInstanceOf(ByteLevelBpeTokenizer.class);
        try (HuggingFaceTokenizer reference = HuggingFaceTokenizer.newInstance(json, Map.of("padding", "false", "truncation", "false"))) {
            for (String text : List.of("a red cat", "RED  Green\tblue!", "green cats, blue's 42 dogs", "Café ÉCLAIR 🐒", "redred", "")) {
                long[] expected = reference.encode(text, true, false).getIds();
                assertThat(ours.sequence(text, 1000)).as(text).containsExactly(expected);
            }
        }
        assertThat(ours.sequence("Red cat", 77)).containsExactly(TinyClipTokenizer.bos(), TinyClipTokenizer.id("red</w>"),
                TinyClipTokenizer.id("cat</w>"), TinyClipTokenizer.eos());
        assertThat(ours.sequence("red green blue cat", 3)).containsExactly(TinyClipTokenizer.bos(), TinyClipTokenizer.id("red</w>"),
                TinyClipTokenizer.eos());
        assertThat(ours.padId()).isEqualTo(TinyClipTokenizer.eos());
        ByteLevelBpeTokenizer bpe = (ByteLevelBpeTokenizer) ours;
        assertThat(bpe.decode(bpe.encode("a red cat"))).isEqualTo("a red cat ");
    }

    @Test
    void unsupportedPipelinesAre400sNamingThePart() throws Exception {
        String json = new String(TinyClipTokenizer.json());
        Path badNorm = Files.writeString(dir.resolve("n.json"), json.replace("\"NFC\"", "\"Precompiled\""));
        assertInvalid(() -> SequenceEncoder.read(badNorm)).contains("normalizer 'Precompiled' is not supported");
        Path badSplit = Files.writeString(dir.resolve("s.json"), json.replace("\"invert\":true", "\"invert\":false"));
        assertInvalid(() -> SequenceEncoder.read(badSplit)).contains("Split keeping its Regex matches");
        Path badRegex = Files.writeString(dir.resolve("r.json"), json.replace("\"Regex\":\"\\\\s+\"", "\"Regex\":\"([\""));
        assertInvalid(() -> SequenceEncoder.read(badRegex)).contains("regular expression");
        Path badPost = Files.writeString(dir.resolve("p.json"), json.replace("RobertaProcessing", "Magic"));
        assertInvalid(() -> SequenceEncoder.read(badPost)).contains("post_processor 'Magic' is not supported");
        Path unigram = Files.writeString(dir.resolve("u.json"), "{\"model\": {\"type\": \"Unigram\"}}");
        assertInvalid(() -> SequenceEncoder.read(unigram)).contains("\"WordPiece\" or \"BPE\"", "got type 'Unigram'");
    }
}
