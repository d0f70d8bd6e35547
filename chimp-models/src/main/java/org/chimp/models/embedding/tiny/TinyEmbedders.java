package org.chimp.models.embedding.tiny;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.chimp.api.ModelConfig;
import org.chimp.api.Tasks;
import org.chimp.models.embedding.OnnxClipArchitecture;
import org.chimp.models.embedding.OnnxSentenceEmbedderArchitecture;

/**
 * Ready tiny embedding models, for tests of other modules and for {@code chimp standalone --examples}: a
 * {@code text-embedding} model (the {@link TinyClip} text tower over a seeded random token table, with the
 * {@link TinyClipTokenizer}) and a {@code text-image-embedding} one (both towers; the image vector is the mean
 * colour, so the text table has 3 dimensions). The artifacts by name, and configs that fit them.
 */
public final class TinyEmbedders {
    /** The text-embedding model's vector size. */
    public static final int TEXT_DIMENSION = 8;
    /** The image tower's input side, in pixels. */
    public static final int IMAGE_SIZE = 8;
    private static final int CLIP_DIMENSION = 3;

    private TinyEmbedders() {
    }

    /** {@code weights} and {@code tokenizer} of an {@code onnx-sentence-embedder}. */
    public static Map<String, byte[]> sentenceEmbedder(long seed) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put(OnnxSentenceEmbedderArchitecture.WEIGHTS, TinyClip.textEncoder(table(seed, TEXT_DIMENSION)));
        out.put(OnnxSentenceEmbedderArchitecture.TOKENIZER, TinyClipTokenizer.json());
        return out;
    }

    /** The config of a sentence embedder whose artifacts ({@link #sentenceEmbedder}) were stored under these references. */
    public static ModelConfig sentenceEmbedderConfig(Map<String, String> refs) {
        return new ModelConfig(Tasks.TEXT_EMBEDDING.id(), OnnxSentenceEmbedderArchitecture.NAME, refs,
                JsonNodeFactory.instance.objectNode().put("output_name", "text_embeds").put("max_tokens", 16));
    }

    /** {@code text_encoder}, {@code image_encoder} and {@code tokenizer} of an {@code onnx-clip} model. */
    public static Map<String, byte[]> clip(long seed) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put(OnnxClipArchitecture.TEXT_ENCODER, TinyClip.textEncoder(table(seed, CLIP_DIMENSION)));
        out.put(OnnxClipArchitecture.IMAGE_ENCODER, TinyClip.imageEncoder(IMAGE_SIZE));
        out.put(OnnxClipArchitecture.TOKENIZER, TinyClipTokenizer.json());
        return out;
    }

    /** The config of a CLIP model whose artifacts ({@link #clip}) were stored under these references. */
    public static ModelConfig clipConfig(Map<String, String> refs) {
        return new ModelConfig(Tasks.TEXT_IMAGE_EMBEDDING.id(), OnnxClipArchitecture.NAME, refs,
                JsonNodeFactory.instance.objectNode().put("max_tokens", 16));
    }

    private static float[][] table(long seed, int dimension) {
        Random random = new Random(seed);
        float[][] t = new float[TinyClipTokenizer.vocabSize()][dimension];
        for (float[] row : t) {
            for (int d = 0; d < dimension; d++) {
                row[d] = (float) random.nextGaussian();
            }
        }
        return t;
    }
}
