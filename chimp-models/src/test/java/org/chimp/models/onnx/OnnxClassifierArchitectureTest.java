package org.chimp.models.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.chimp.api.Architectures;
import org.chimp.api.ArtifactResolver;
import org.chimp.api.Model;
import org.chimp.api.ModelConfig;
import org.chimp.api.RunContext;
import org.chimp.api.Tasks;
import org.chimp.api.classification.Classification;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.Image;
import org.chimp.api.tensor.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxClassifierArchitectureTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> LABELS = List.of("top", "bottom", "dark");
    /** 2x2 gray: class "top" sums the top row, "bottom" the bottom row, "dark" wins by its bias when both are dark. */
    private static final float[][] ROWS = TinyOnnx.weights(4, 5f, new int[] {0, 1}, new int[] {2, 3}, new int[] {});
    private static final float[] BIAS = {0f, 0f, 2.5f};

    @TempDir
    Path dir;
    private final Map<String, Path> files = new HashMap<>();
    private final ArtifactResolver resolver = ref -> {
        Path p = files.get(ref);
        if (p == null) {
            throw ClientErrorException.notFound("no artifact " + ref);
        }
        return p;
    };
    private final Architectures architectures = Architectures.load();

    @Test
    void isFoundWithServiceLoaderForItsTask() {
        assertThat(architectures.find("image-classification", "onnx-classifier")).isInstanceOf(OnnxClassifierArchitecture.class);
    }

    @Test
    void flatModelPredictsTheKnownClassWithProbabilities() {
        try (Model<Image, Classification> model = build(TinyOnnx.flat(ROWS, BIAS, true, 0), params(LABELS, gray(2, 2)))) {
            Classification top = model.run(gray2x2(1, 1, 0, 0), RunContext.defaults());
            assertThat(top.bestLabel()).isEqualTo("top");
            assertThat(top.labels()).isEqualTo(LABELS);
            assertThat(sum(top.probabilities())).isCloseTo(1f, within(1e-5f));
            assertThat(model.run(gray2x2(0, 0, 1, 1), RunContext.defaults()).bestLabel()).isEqualTo("bottom");
            assertThat(model.run(gray2x2(0, 0, 0, 0), RunContext.defaults()).bestLabel()).isEqualTo("dark");
        }
    }

    @Test
    void batchGivesTheSameResultsAsSingleRuns() {
        List<Image> images = List.of(gray2x2(1, 1, 0, 0), gray2x2(0, 0.2f, 1, 0.7f), gray2x2(0, 0, 0, 0), rgbSolid(3, 3, 0.5f, 0.1f, 0.9f));
        try (Model<Image, Classification> model = build(TinyOnnx.flat(ROWS, BIAS, true, 0), params(LABELS, gray(2, 2)))) {
            List<Classification> batch = model.runBatch(images, RunContext.defaults());
            assertThat(batch).hasSize(images.size());
            for (int i = 0; i < images.size(); i++) {
                assertThat(batch.get(i).probabilities())
                        .containsExactly(model.run(images.get(i), RunContext.defaults()).probabilities(), within(1e-6f));
            }
        }
    }

    @Test
    void modelWithFixedBatchSizeOneRunsBatchesInChunks() {
        try (Model<Image, Classification> model = build(TinyOnnx.flat(ROWS, BIAS, true, 1), params(LABELS, gray(2, 2)))) {
            List<Classification> out = model.runBatch(List.of(gray2x2(1, 1, 0, 0), gray2x2(0, 0, 1, 1), gray2x2(0, 0, 0, 0)),
                    RunContext.defaults());
            assertThat(out).extracting(Classification::bestLabel).containsExactly("top", "bottom", "dark");
        }
    }

    @Test
    void grayNchwModelGetsTheImagePlane() {
        try (Model<Image, Classification> model = build(TinyOnnx.nchw(1, 2, 2, ROWS, BIAS, true), params(LABELS, gray(2, 2)))) {
            assertThat(model.runBatch(List.of(gray2x2(1, 1, 0, 0), gray2x2(0, 0, 1, 1)), RunContext.defaults()))
                    .extracting(Classification::bestLabel).containsExactly("top", "bottom");
        }
    }

    @Test
    void rgbNchwModelGetsChannelPlanesNotInterleavedPixels() {
        // Class k sums channel plane k; fed HWC unconverted, a lone green pixel at (1, 1) would land in the blue plane.
        float[][] planes = TinyOnnx.weights(12, 5f, new int[] {0, 1, 2, 3}, new int[] {4, 5, 6, 7}, new int[] {8, 9, 10, 11});
        List<String> labels = List.of("red", "green", "blue");
        try (Model<Image, Classification> model = build(TinyOnnx.nchw(3, 2, 2, planes, new float[3], true), params(labels, rgb(2, 2)))) {
            Image greenAt11 = rgbPixel(2, 2, 1, 1, 0, 1, 0);
            Image blueAt10 = rgbPixel(2, 2, 1, 0, 0, 0, 1);
            assertThat(model.runBatch(List.of(greenAt11, blueAt10), RunContext.defaults()))
                    .extracting(Classification::bestLabel).containsExactly("green", "blue");
        }
    }

    @Test
    void logitsBecomeProbabilitiesWithSoftmaxTrue() {
        ObjectNode p = params(LABELS, gray(2, 2));
        byte[] logits = TinyOnnx.flat(ROWS, BIAS, false, 0);
        try (Model<Image, Classification> raw = build(logits, p.deepCopy());
             Model<Image, Classification> soft = build(logits, p.put("softmax", true))) {
            Image img = gray2x2(1, 1, 0, 0);
            assertThat(raw.run(img, RunContext.defaults()).probabilities()).containsExactly(new float[] {10f, 0f, 2.5f}, within(1e-5f));
            float[] probs = soft.run(img, RunContext.defaults()).probabilities();
            double z = Math.exp(10) + Math.exp(0) + Math.exp(2.5);
            assertThat(probs).containsExactly(new float[] {(float) (Math.exp(10) / z), (float) (1 / z), (float) (Math.exp(2.5) / z)},
                    within(1e-6f));
        }
    }

    @Test
    void exposesTheSignature() {
        try (OnnxClassifier model = (OnnxClassifier) build(TinyOnnx.nchw(1, 2, 2, ROWS, BIAS, true), params(LABELS, gray(2, 2)))) {
            assertThat(model.inputName()).isEqualTo("image");
            assertThat(model.outputName()).isEqualTo("probabilities");
            assertThat(model.signature().inputs()).containsExactly(new TensorSpec("image", "float32", List.of(-1L, 1L, 2L, 2L)));
            assertThat(model.signature().outputs()).containsExactly(new TensorSpec("probabilities", "float32", List.of(-1L, 3L)));
        }
    }

    @Test
    void flatInputOfAnotherSizeIsA400NamingBothNumbers() {
        assertThatThrownBy(() -> build(TinyOnnx.flat(ROWS, BIAS, true, 0), params(LABELS, gray(3, 3))))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("[-1, 4]").hasMessageContaining("[N, 9]");
    }

    @Test
    void nchwInputWithOtherChannelsIsA400() {
        assertThatThrownBy(() -> build(TinyOnnx.nchw(1, 2, 2, ROWS, BIAS, true), params(LABELS, rgb(2, 2))))
                .isInstanceOf(ClientErrorException.class).hasMessageContaining("[-1, 1, 2, 2]").hasMessageContaining("[N, 3, 2, 2]");
    }

    @Test
    void outputWithAnotherLabelCountIsA400() {
        assertThatThrownBy(() -> build(TinyOnnx.flat(ROWS, BIAS, true, 0), params(List.of("a", "b"), gray(2, 2))))
                .isInstanceOf(ClientErrorException.class).hasMessageContaining("[-1, 3]").hasMessageContaining("2 labels");
    }

    @Test
    void missingWeightsArtifactIsA400FromValidate() {
        ModelConfig config = new ModelConfig("image-classification", "onnx-classifier", Map.of(), params(LABELS, gray(2, 2)));
        assertThatThrownBy(() -> architectures.validate(config))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("weights");
    }

    @Test
    void badLabelsAndPreprocessingAre400s() {
        byte[] onnx = TinyOnnx.flat(ROWS, BIAS, true, 0);
        ObjectNode noList = params(LABELS, gray(2, 2));
        noList.put("labels", "[\"top\"]");
        assertThatThrownBy(() -> build(onnx, noList)).isInstanceOf(ClientErrorException.class).hasMessageContaining("'labels'");
        assertThatThrownBy(() -> build(onnx, params(List.of("a", "a", "b"), gray(2, 2))))
                .isInstanceOf(ClientErrorException.class).hasMessageContaining("twice");
        ObjectNode badPrep = params(LABELS, gray(2, 2));
        badPrep.putObject("preprocessing").put("width", "two");
        assertThatThrownBy(() -> build(onnx, badPrep)).isInstanceOf(ClientErrorException.class).hasMessageContaining("'preprocessing'");
        ObjectNode missing = params(LABELS, gray(2, 2));
        missing.remove("preprocessing");
        assertThatThrownBy(() -> build(onnx, missing)).isInstanceOf(ClientErrorException.class).hasMessageContaining("'preprocessing' is required");
    }

    @Test
    void unknownInputNameAndCorruptFileAre400s() {
        ObjectNode p = params(LABELS, gray(2, 2)).put("input_name", "pixels");
        assertThatThrownBy(() -> build(TinyOnnx.flat(ROWS, BIAS, true, 0), p))
                .isInstanceOf(ClientErrorException.class).hasMessageContaining("'input_name' is 'pixels'").hasMessageContaining("features");
        assertThatThrownBy(() -> build("not a model".getBytes(), params(LABELS, gray(2, 2))))
                .isInstanceOf(ClientErrorException.class).hasMessageContaining("not a model ONNX Runtime can load")
                .hasMessageNotContaining("/"); // ONNX Runtime's own message names the cached file's path
    }

    private Model<Image, Classification> build(byte[] onnx, ObjectNode params) {
        String ref = store(onnx);
        ModelConfig config = new ModelConfig("image-classification", "onnx-classifier", Map.of("weights", ref), params);
        return architectures.build(Tasks.IMAGE_CLASSIFICATION, config, resolver);
    }

    private String store(byte[] bytes) {
        try {
            String ref = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            Path file = dir.resolve(ref.substring(7) + ".onnx");
            Files.write(file, bytes);
            files.put(ref, file);
            return ref;
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode params(List<String> labels, ObjectNode preprocessing) {
        ObjectNode p = MAPPER.createObjectNode();
        labels.forEach(p.putArray("labels")::add);
        p.set("preprocessing", preprocessing);
        return p;
    }

    static ObjectNode gray(int w, int h) {
        return MAPPER.createObjectNode().put("width", w).put("height", h).put("grayscale", true).put("mean", 0).put("std", 1);
    }

    static ObjectNode rgb(int w, int h) {
        return gray(w, h).put("grayscale", false);
    }

    static Image gray2x2(float a, float b, float c, float d) {
        return new Image(2, 2, 1, new float[] {a, b, c, d});
    }

    static Image rgbSolid(int w, int h, float r, float g, float b) {
        float[] px = new float[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            px[i * 3] = r;
            px[i * 3 + 1] = g;
            px[i * 3 + 2] = b;
        }
        return new Image(w, h, 3, px);
    }

    static Image rgbPixel(int w, int h, int x, int y, float r, float g, float b) {
        float[] px = new float[w * h * 3];
        int i = (y * w + x) * 3;
        px[i] = r;
        px[i + 1] = g;
        px[i + 2] = b;
        return new Image(w, h, 3, px);
    }

    private static float sum(float[] v) {
        float s = 0;
        for (float f : v) {
            s += f;
        }
        return s;
    }
}
