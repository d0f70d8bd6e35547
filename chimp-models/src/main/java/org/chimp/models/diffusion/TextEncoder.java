package org.chimp.models.diffusion;

import ai.onnxruntime.OnnxJavaType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.chimp.api.error.ClientErrorException;

/**
 * The prompt side: CLIP tokens into the text encoder ({@code input_ids [B, 77]} int32 or int64, as diffusers and
 * Optimum export it) and its {@code last_hidden_state [B, 77, D]} out, the UNet's {@code encoder_hidden_states}.
 */
final class TextEncoder implements AutoCloseable {
    static final String INPUT = "input_ids";
    static final String OUTPUT = "last_hidden_state";
    /** CLIP's text positions, when the export leaves the sequence length open. */
    static final int CLIP_POSITIONS = 77;

    private final ClipTokenizer tokenizer;
    private final OnnxNet net;
    private final int length;

    TextEncoder(ClipTokenizer tokenizer, OnnxNet net) {
        this.tokenizer = tokenizer;
        this.net = net;
        long[] shape = net.input(INPUT, new int[] {2}, OnnxJavaType.INT32, OnnxJavaType.INT64).getShape();
        this.length = shape[1] > 0 ? (int) shape[1] : CLIP_POSITIONS;
        net.output(OUTPUT, 3);
    }

    /** The token positions the encoder reads. */
    int length() {
        return length;
    }

    /** The hidden states of the texts, {@code [texts.size(), length, D]} flattened. */
    float[] encode(List<String> texts) {
        long[] ids = new long[texts.size() * length];
        for (int i = 0; i < texts.size(); i++) {
            int[] row = tokenizer.encode(texts.get(i), length);
            for (int j = 0; j < length; j++) {
                ids[i * length + j] = row[j];
            }
        }
        return run(ids, texts.size());
    }

    /**
     * Runs the encoder once on the tokenizer's largest id, so a tokenizer whose vocabulary is larger than the
     * encoder's embedding fails when the model loads, not on the first prompt that uses a rare token.
     */
    void checkVocabulary() {
        long[] ids = new long[length];
        Arrays.fill(ids, tokenizer.maxId());
        try {
            run(ids, 1);
        } catch (IllegalStateException e) {
            throw ClientErrorException.invalid("The tokenizer's vocabulary (ids up to " + tokenizer.maxId()
                    + ") does not fit the text encoder: it cannot embed the largest id", e);
        }
    }

    private float[] run(long[] ids, int rows) {
        return net.run(Map.of(INPUT, net.numbers(INPUT, ids, rows, length)), OUTPUT, -1);
    }

    @Override
    public void close() {
        net.close();
    }
}
