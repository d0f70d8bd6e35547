package org.chimp.models.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/**
 * Turns a text into the id sequence an encoder model reads: the tokenizer's pieces between the special tokens
 * its {@code post_processor} names ({@code [CLS] ... [SEP]} for BERT, {@code <|startoftext|> ... <|endoftext|>}
 * for CLIP), cut to a length, and says which id fills padding.
 */
public interface SequenceEncoder {
    /** The ids with special tokens, at most {@code maxTokens} (the text is cut; the special tokens stay). */
    long[] sequence(String text, int maxTokens);

    /** The id padding positions hold (they are masked out, but some models look at them, e.g. CLIP's eos search). */
    long padId();

    /** Reads a tokenizer.json of either kind CHIMP knows: WordPiece (BERT) or byte-level BPE (GPT-2, CLIP, RoBERTa). */
    static SequenceEncoder read(Path tokenizerJson) {
        JsonNode root = TokenizerJson.read(tokenizerJson, null);
        return "WordPiece".equals(root.path("model").path("type").asText())
                ? WordPieceTokenizer.of(root) : ByteLevelBpeTokenizer.of(root);
    }
}
