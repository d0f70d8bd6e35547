package org.chimp.models.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import java.nio.file.Path;
import java.util.List;
import org.chimp.api.Architectures;
import org.chimp.api.Model;
import org.chimp.api.ModelConfig;
import org.chimp.api.RunContext;
import org.chimp.api.Tasks;
import org.chimp.api.embedding.JointEmbeddings;
import org.chimp.api.embedding.TextsAndImages;
import org.chimp.api.image.Image;
import org.chimp.models.embedding.tiny.TinyClip;
import org.chimp.models.embedding.tiny.TinyClipTokenizer;
import org.chimp.models.onnx.LocalArtifacts;
import org.chimp.models.onnx.TinyOnnx;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** onnx-clip on tiny towers whose vectors are known: colour words and solid colour images share one space. */
class OnnxClipTest {
    private static final RunContext CTX = RunContext.defaults();
    private static final float S3 = (float) (1 / Math.sqrt(3));
    private final Architectures architectures = Architectures.load();
    @TempDir
    Path dir;
    private LocalArtifacts artifacts;
    private String tokenizer;
    private String text;
    private String image;

    @BeforeEach
    void setUp() throws Exception {
        artifacts = new LocalArtifacts(dir);
        tokenizer = artifacts.put("tokenizer.json", TinyClipTokenizer.json());
        text = artifacts.put("text.onnx", TinyClip.textEncoder(table(3)));
        image = artifacts.put("image.onnx", TinyClip.imageEncoder(4));
    }

    /** red, green and blue point along the three axes, cat a little along all; every other token is zero. */
    private static float[][] table(int dim) {
        float[][] t = new float[TinyClipTokenizer.vocabSize()][dim];
        t[TinyClipTokenizer.id("red</w>")][0] = 1;
        t[TinyClipTokenizer.id("green</w>")][1] = 1;
        t[TinyClipTokenizer.id("blue</w>")][2] = 1;
        for (int k = 0; k < 3; k++) {
            t[TinyClipTokenizer.id("cat</w>")][k] = 0.2f;
        }
        return t;
    }

    private Model<TextsAndImages, JointEmbeddings> clip(String textRef, String imageRef, String params) {
        return architectures.build(Tasks.TEXT_IMAGE_EMBEDDING, ModelConfig.parse("{\"task\": \"text-image-embedding\", "
                + "\"architecture\": \"onnx-clip\", \"artifacts\": {\"text_encoder\": \"" + textRef + "\", \"image_encoder\": \""
                + imageRef + "\", \"tokenizer\": \"" + tokenizer + "\"}, \"image_mean\": [0.5, 0.5, 0.5], \"image_std\": [0.5, 0.5, 0.5]"
                + (params.isEmpty() ? "" : ", " + params) + "}"), artifacts);
    }

    private static Image solid(int w, int h, float r, float g, float b) {
        float[] px = new float[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            px[i * 3] = r;
            px[i * 3 + 1] = g;
            px[i * 3 + 2] = b;
        }
        return new Image(w, h, 3, px);
    }

    @Test
    void colourWordsMatchTheirSolidColourImages() {
        try (Model<TextsAndImages, JointEmbeddings> m = clip(text, image, "")) {
            JointEmbeddings e = m.run(new TextsAndImages(List.of("Red", "a green cat", "BLUE!"),
                    List.of(solid(4, 4, 1, 0, 0), solid(9, 9, 0, 1, 0), solid(2, 2, 0, 0, 1))), CTX);
            assertThat(e.bestTextPerImage()).containsExactly(0, 1, 2);
            assertThat(e.texts().vectors().get(0)).containsExactly(new float[] {1, 0, 0}, within(1e-6f));
            // (1, 0, 0) normalized with mean 0.5 and std 0.5 is (1, -1, -1): the channels stay apart, in R, G, B order.
            assertThat(e.images().vectors().get(0)).containsExactly(new float[] {S3, -S3, -S3}, within(1e-5f));
            assertThat(e.images().vectors().get(2)).containsExactly(new float[] {-S3, -S3, S3}, within(1e-5f));
        }
    }

    @Test
    void paddingInATextBatchChangesNoVector() {
        try (Model<TextsAndImages, JointEmbeddings> m = clip(text, image, "")) {
            JointEmbeddings batch = m.run(new TextsAndImages(List.of("red", "a blue cat with a green red cat"), List.of()), CTX);
            for (int i = 0; i < 2; i++) {
                String t = List.of("red", "a blue cat with a green red cat").get(i);
                float[] single = m.run(new TextsAndImages(List.of(t), List.of()), CTX).texts().vectors().get(0);
                assertThat(batch.texts().vectors().get(i)).containsExactly(single, within(1e-6f));
            }
            assertThat(batch.images().vectors()).isEmpty();
        }
    }

    @Test
    void wideImagesAreCentreCroppedNotStretched() {
        // 8x4: green columns 0-1 and 6-7 around a red middle; the centred 4x4 crop is all red.
        Image wide = solid(8, 4, 1, 0, 0);
        for (int y = 0; y < 4; y++) {
            for (int x : new int[] {0, 1, 6, 7}) {
                wide.pixels()[(y * 8 + x) * 3] = 0;
                wide.pixels()[(y * 8 + x) * 3 + 1] = 1;
            }
        }
        try (Model<TextsAndImages, JointEmbeddings> m = clip(text, image, "")) {
            float[] v = m.run(new TextsAndImages(List.of(), List.of(wide)), CTX).images().vectors().get(0);
            assertThat(v).containsExactly(new float[] {S3, -S3, -S3}, within(1e-5f));
        }
    }

    @Test
    void towersThatDoNotFitAre400s() {
        String text4 = artifacts.put("text4.onnx", TinyClip.textEncoder(table(4)));
        assertInvalid(() -> clip(text4, image, "")).contains("4-value vectors but the image encoder 3-value");
        assertInvalid(() -> clip(text, image, "\"text_output\": \"last_hidden_state\"")).contains("output is per token");
        assertInvalid(() -> clip(text, image, "\"text_output\": \"pooled\"")).contains("no output 'pooled'");
        String flat = artifacts.put("flat.onnx", TinyOnnx.flat(new float[][] {{1f, 1f}}, new float[] {0f}, false, 0));
        assertInvalid(() -> clip(text, flat, "")).contains("[N, 3, H, W]");
        assertInvalid(() -> clip(text, image, "\"image_mean\": [0.5, 0.5]")).contains("'image_mean' must be a list of 3 numbers");
        assertInvalid(() -> clip(text, image, "\"image_std\": [1, 0, 1]")).contains("'image_std' values must be positive");
        assertInvalid(() -> architectures.validate(ModelConfig.parse("{\"task\": \"text-image-embedding\", \"architecture\": \"onnx-clip\", "
                + "\"artifacts\": {\"text_encoder\": \"" + text + "\"}}"))).contains("needs artifacts [image_encoder, tokenizer]");
    }
}
