package org.chimp.models.embedding;

import java.nio.file.Path;
import java.util.List;
import org.chimp.api.Model;
import org.chimp.api.RunContext;
import org.chimp.api.embedding.Embeddings;
import org.chimp.api.embedding.JointEmbeddings;
import org.chimp.api.embedding.TextsAndImages;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.Image;
import org.chimp.api.text.Texts;
import org.chimp.models.text.SequenceEncoder;

/**
 * A CLIP-style pair of towers in ONNX Runtime: a text encoder (token ids in, one projected vector per text out, run
 * as an {@link OnnxSentenceEmbedder} whose output is already pooled) and an image encoder ({@link OnnxImageEncoder}),
 * both into one space of the same dimension. Thread-safe.
 */
public final class OnnxClip implements Model<TextsAndImages, JointEmbeddings> {
    private final OnnxSentenceEmbedder text;
    private final OnnxImageEncoder image;
    private final boolean normalize;

    private OnnxClip(OnnxSentenceEmbedder text, OnnxImageEncoder image, boolean normalize) {
        this.text = text;
        this.image = image;
        this.normalize = normalize;
    }

    /**
     * Opens both towers and checks they fit together: the text tower's output must be projected vectors {@code [N, D]}
     * and both towers' D must agree (checked by running each once). Any mismatch is a 400, with both sessions closed.
     */
    public static OnnxClip open(Path textWeights, SequenceEncoder tokenizer, int maxTokens, String textOutput,
                                Path imageWeights, String imageOutput, float[] mean, float[] std, boolean normalize) {
        OnnxSentenceEmbedder text = OnnxSentenceEmbedder.open(textWeights, tokenizer, maxTokens, normalize, textOutput);
        OnnxImageEncoder image = null;
        try {
            if (!text.pooledOutput()) {
                throw ClientErrorException.invalid("The text encoder's output is per token; an onnx-clip text encoder must output one "
                        + "projected vector per text [N, D] (e.g. 'text_embeds'): name it with 'text_output'");
            }
            image = OnnxImageEncoder.open(imageWeights, imageOutput, mean, std);
            OnnxClip clip = new OnnxClip(text, image, normalize);
            int textDim = clip.texts(List.of("a photo"), RunContext.defaults()).dimension();
            int imageDim = clip.images(List.of(new Image(2, 2, 3, new float[12]))).dimension();
            if (textDim != imageDim) {
                throw ClientErrorException.invalid("The text encoder makes " + textDim + "-value vectors but the image encoder "
                        + imageDim + "-value ones; the two towers must share one space");
            }
            return clip;
        } catch (RuntimeException e) {
            text.close();
            if (image != null) {
                image.close();
            }
            throw e;
        }
    }

    @Override
    public JointEmbeddings run(TextsAndImages input, RunContext ctx) {
        return new JointEmbeddings(texts(input.texts(), ctx), images(input.images()));
    }

    private Embeddings texts(List<String> texts, RunContext ctx) {
        return texts.isEmpty() ? new Embeddings(List.of()) : text.run(Texts.of(texts), ctx);
    }

    private Embeddings images(List<Image> images) {
        return new Embeddings(images.isEmpty() ? List.of() : image.embed(images, normalize));
    }

    @Override
    public void close() {
        try {
            text.close();
        } finally {
            image.close();
        }
    }
}
