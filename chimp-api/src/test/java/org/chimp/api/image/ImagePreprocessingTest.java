package org.chimp.api.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImagePreprocessingTest {
    private static final float EPS = 1e-6f;

    private static Image constant(int w, int h, int channels, float v) {
        float[] px = new float[w * h * channels];
        Arrays.fill(px, v);
        return new Image(w, h, channels, px);
    }

    @ParameterizedTest
    @CsvSource({"4,3,true,12", "4,3,false,36", "1,1,false,3"})
    void outputLengthIsFeatureCount(int w, int h, boolean gray, int count) {
        ImagePreprocessing p = new ImagePreprocessing(w, h, gray, 0, 1);
        assertThat(p.featureCount()).isEqualTo(count);
        assertThat(p.apply(constant(7, 5, 3, 0.5f))).hasSize(count);
        assertThat(p.apply(constant(2, 9, 1, 0.5f))).hasSize(count);
    }

    @Test
    void meanAndStdApplied() {
        float[] out = new ImagePreprocessing(1, 1, true, 0.5f, 0.25f).apply(new Image(1, 1, 1, new float[] {1f}));
        assertThat(out).containsExactly(2f);
    }

    @Test
    void grayscaleUsesBt601Weights() {
        Image img = new Image(3, 1, 3, new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1});
        assertThat(new ImagePreprocessing(3, 1, true, 0, 1).apply(img)).containsExactly(new float[] {0.299f, 0.587f, 0.114f}, within(EPS));
    }

    @Test
    void grayBecomesRgbByRepeating() {
        Image img = new Image(2, 1, 1, new float[] {0.25f, 1f});
        assertThat(new ImagePreprocessing(2, 1, false, 0, 1).apply(img)).containsExactly(0.25f, 0.25f, 0.25f, 1f, 1f, 1f);
    }

    @Test
    void downscaleByTwoAveragesBlocks() {
        // 4x4 gray image made of four 2x2 blocks, each with its own values.
        float[] px = {
            0.0f, 0.2f, 0.5f, 0.5f,
            0.4f, 0.2f, 0.5f, 0.5f,
            1.0f, 0.0f, 0.1f, 0.3f,
            0.0f, 1.0f, 0.3f, 0.1f};
        float[] out = new ImagePreprocessing(2, 2, true, 0, 1).apply(new Image(4, 4, 1, px));
        assertThat(out).containsExactly(new float[] {0.2f, 0.5f, 0.5f, 0.2f}, within(EPS));
    }

    @Test
    void downscaleAveragesEachChannel() {
        float[] px = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1};
        float[] out = new ImagePreprocessing(1, 1, false, 0, 1).apply(new Image(2, 2, 3, px));
        assertThat(out).containsExactly(new float[] {0.5f, 0.5f, 0.5f}, within(EPS));
    }

    @Test
    void upscaleKeepsConstantImagesConstant() {
        float[] out = new ImagePreprocessing(7, 5, false, 0, 1).apply(constant(2, 3, 3, 0.3f));
        for (float v : out) {
            assertThat(v).isCloseTo(0.3f, within(EPS));
        }
    }

    @Test
    void upscaleInterpolatesBetweenPixels() {
        float[] out = new ImagePreprocessing(4, 1, true, 0, 1).apply(new Image(2, 1, 1, new float[] {0, 1}));
        assertThat(out).containsExactly(new float[] {0, 0.25f, 0.75f, 1}, within(EPS));
    }

    @Test
    void sameSizeIsIdentity() {
        float[] px = {0.1f, 0.9f, 0.3f, 0.7f};
        assertThat(new ImagePreprocessing(2, 2, true, 0, 1).apply(new Image(2, 2, 1, px))).containsExactly(px);
    }

    @Test
    void jsonRoundTrip() {
        ImagePreprocessing p = new ImagePreprocessing(28, 14, false, 0.5f, 0.25f);
        assertThat(p.toJson().toString()).isEqualTo("{\"width\":28,\"height\":14,\"grayscale\":false,\"mean\":0.5,\"std\":0.25}");
        assertThat(ImagePreprocessing.fromJson(p.toJson())).isEqualTo(p);
        // Floats stay floats: a config's text (stored in ONNX metadata and model configs) says 0.1, not 0.10000000149...
        assertThat(new ImagePreprocessing(48, 48, true, 0.1f, 0.3f).toJson().toString())
                .isEqualTo("{\"width\":48,\"height\":48,\"grayscale\":true,\"mean\":0.1,\"std\":0.3}");
    }

    @Test
    void fromJsonDefaults() throws Exception {
        assertThat(ImagePreprocessing.fromJson(new ObjectMapper().readTree("{\"width\": 2, \"height\": 3}")))
                .isEqualTo(new ImagePreprocessing(2, 3, true, 0, 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "[]", "{}", "{\"width\": 2}", "{\"width\": \"2\", \"height\": 2}",
            "{\"width\": 2.5, \"height\": 2}", "{\"width\": 0, \"height\": 2}", "{\"width\": 2, \"height\": -1}",
            "{\"width\": 2, \"height\": 2, \"std\": 0}", "{\"width\": 2, \"height\": 2, \"std\": -1}",
            "{\"width\": 2, \"height\": 2, \"std\": \"abc\"}", "{\"width\": 2, \"height\": 2, \"mean\": \"abc\"}",
            "{\"width\": 2, \"height\": 2, \"grayscale\": \"no\"}", "{\"width\": 99999999999, \"height\": 2}",
            "{\"width\": 65536, \"height\": 65536}", "{\"width\": 2, \"height\": 2, \"mean\": 1e400}"})
    void badJsonIs400(String text) throws Exception {
        assertInvalid(() -> ImagePreprocessing.fromJson(new ObjectMapper().readTree(text))).isNotBlank();
    }

    @Test
    void stdMustBePositive() {
        assertInvalid(() -> new ImagePreprocessing(1, 1, true, 0, 0)).contains("'std'");
        assertInvalid(() -> new ImagePreprocessing(1, 1, true, 0, -0.5f)).contains("'std'");
        assertInvalid(() -> new ImagePreprocessing(1, 1, true, 0, Float.NaN)).contains("'std'");
    }

    @Test
    void sizeIsBounded() {
        assertInvalid(() -> new ImagePreprocessing(4097, 4096, true, 0, 1)).contains("4096x4096");
        assertInvalid(() -> new ImagePreprocessing(65536, 65536, true, 0, 1)).contains("4096x4096");
    }
}
