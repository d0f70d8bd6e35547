package org.chimp.emotion.cnn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.chimp.models.onnx.OnnxClassifier;
import org.chimp.training.imageclassifier.EpochMetrics;
import org.chimp.training.imageclassifier.ImageFolderDataset;
import org.chimp.training.sample.SyntheticFaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmotionTrainerTest {
    @TempDir
    static Path tmp;
    static Path faces;

    @BeforeAll
    static void faces() throws Exception {
        faces = tmp.resolve("faces");
        SyntheticFaces.writeDirectory(faces, 24, 8, 3);
    }

    @Test
    void learnsSyntheticFacesAndOnnxRuntimeGivesTheSameProbabilities() throws Exception {
        List<EpochMetrics> seen = new ArrayList<>();
        var settings = new EmotionTrainer.Settings(3, 16, 3e-3, false, 0, 0.15, 42);
        long start = System.nanoTime();
        try (var trained = EmotionTrainer.train(faces, settings, seen::add, () -> false)) {
            System.out.printf("CNN: %d train images, %.2f s for %d epochs, test accuracy %.3f, history %s%n",
                    trained.trainCount(), (System.nanoTime() - start) / 1e9, seen.size(), trained.test().accuracy(), seen);
            assertThat(trained.labels()).containsExactly("angry", "happy", "neutral", "sad", "surprise");
            assertThat(trained.testSource()).isEqualTo("test");
            assertThat(trained.test().count()).isEqualTo(5 * 8);
            assertThat(trained.device()).isEqualTo("cpu()");
            assertThat(seen).isEqualTo(trained.history()).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3);
            assertThat(seen.get(2).trainLoss()).isLessThan(seen.get(0).trainLoss());
            assertThat(trained.test().accuracy()).isGreaterThan(0.4);

            Path onnx = tmp.resolve("cnn.onnx");
            trained.writeOnnx(onnx);
            float[][] inputs = ImageFolderDataset.load(faces, trained.preprocessing()).test().features();
            float[][] djl = trained.probabilities(inputs);
            float[] flat = new float[inputs.length * inputs[0].length];
            for (int i = 0; i < inputs.length; i++) {
                System.arraycopy(inputs[i], 0, flat, i * inputs[i].length, inputs[i].length);
            }
            float[][] ort;
            try (OnnxClassifier served = OnnxClassifier.open(onnx, trained.labels(), trained.preprocessing(), null, null, false)) {
                ort = served.runFeatures(flat, inputs.length);
            }
            double maxDiff = 0;
            for (int i = 0; i < inputs.length; i++) {
                assertThat(ort[i]).hasSize(5);
                for (int k = 0; k < 5; k++) {
                    maxDiff = Math.max(maxDiff, Math.abs(ort[i][k] - djl[i][k]));
                }
            }
            System.out.printf("DJL vs ONNX Runtime: max abs difference %.3g%n", maxDiff);
            assertThat(maxDiff).isLessThanOrEqualTo(1e-4);
        }
    }
}
