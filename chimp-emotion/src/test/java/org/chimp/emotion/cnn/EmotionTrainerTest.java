package org.chimp.emotion.cnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.chimp.api.error.ClientErrorException;
import org.chimp.models.onnx.OnnxClassifier;
import org.chimp.training.imageclassifier.EpochMetrics;
import org.chimp.training.imageclassifier.ImageFolderDataset;
import org.chimp.training.sample.SyntheticFaces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmotionTrainerTest {
    private static final Path FER_SAMPLE = Path.of(System.getProperty("chimp.fer2013", "../../shared/data/fer2013-sample"));

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
        var settings = new EmotionTrainer.Settings(5, 16, 1e-3, false, 0, 0.15, 42);
        try (var trained = EmotionTrainer.train(faces, settings, seen::add, () -> false)) {
            assertThat(trained.labels()).containsExactly("angry", "happy", "neutral", "sad", "surprise");
            assertThat(trained.testSource()).isEqualTo("test");
            assertThat(trained.test().count()).isEqualTo(5 * 8);
            assertThat(trained.device()).isEqualTo(Torch.device(Torch.engine()).toString());
            assertThat(seen).isEqualTo(trained.history()).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3, 4, 5);
            assertThat(seen.get(4).trainLoss()).isLessThan(seen.get(0).trainLoss());
            assertThat(trained.test().accuracy()).isGreaterThan(0.4);

            double maxDiff = maxDifferenceFromOnnxRuntime(trained, faces, tmp.resolve("cnn.onnx"));
            assertThat(maxDiff).isLessThanOrEqualTo(1e-4);
        }
    }

    @Test
    void theSameSeedGivesTheSameMetricsAndAnotherSeedDoesNot() throws Exception {
        Path small = tmp.resolve("small");
        // No test split: test and validation images are both held out of train, by the seed.
        SyntheticFaces.writeDirectory(small, 8, 0, 4);
        var settings = new EmotionTrainer.Settings(2, 8, 1e-3, true, 0, 0.25, 7);
        try (var a = EmotionTrainer.train(small, settings, m -> { }, () -> false);
             var b = EmotionTrainer.train(small, settings, m -> { }, () -> false);
             var c = EmotionTrainer.train(small, new EmotionTrainer.Settings(2, 8, 1e-3, true, 0, 0.25, 8), m -> { }, () -> false)) {
            assertThat(a.testSource()).isEqualTo("validation_split");
            assertThat(a.test().count()).isEqualTo(10);
            // 8 per label: 2 held out for testing, then 2 of the other 6 for validation (1.5 rounded).
            assertThat(a.validation().count()).isEqualTo(10);
            assertThat(a.trainCount()).isEqualTo(20);
            assertThat(b.history()).isEqualTo(a.history());
            assertThat(b.test()).usingRecursiveComparison().isEqualTo(a.test());
            assertThat(b.validation()).usingRecursiveComparison().isEqualTo(a.validation());
            assertThat(c.history()).isNotEqualTo(a.history());
        }
    }

    @Test
    void earlyStoppingStopsAfterPatienceAndKeepsTheBestEpochsWeights() throws Exception {
        // A large step size makes the validation loss jump around, so it soon stops improving.
        var settings = new EmotionTrainer.Settings(12, 16, 2e-2, false, 1, 0.15, 42);
        try (var trained = EmotionTrainer.train(faces, settings, m -> { }, () -> false)) {
            List<EpochMetrics> h = trained.history();
            assertThat(trained.stoppedEarly()).as("history %s", h).isTrue();
            assertThat(h.size()).isLessThan(12).isEqualTo(trained.bestEpoch() + 1);
            EpochMetrics best = h.get(trained.bestEpoch() - 1);
            assertThat(h).allSatisfy(m -> assertThat(m.valLoss()).isGreaterThanOrEqualTo(best.valLoss()));
            assertThat(h.get(h.size() - 1).valLoss()).as("the last epoch is worse, so keeping it would show").isGreaterThan(best.valLoss());
            // The kept weights are the best epoch's, not the last one's.
            assertThat(trained.validation().loss()).isCloseTo(best.valLoss(), within(1e-6));
            assertThat(trained.validation().accuracy()).isEqualTo(best.valAccuracy());
        }
    }

    @Test
    void aDatasetTooSmallToHoldImagesOutIsA400() throws Exception {
        Path tiny = tmp.resolve("tiny");
        SyntheticFaces.writeDirectory(tiny, 2, 0, 1);
        var settings = new EmotionTrainer.Settings(1, 8, 1e-3, false, 0, 0.2, 1);
        assertThatThrownBy(() -> EmotionTrainer.train(tiny, settings, m -> { }, () -> false))
                .isInstanceOf(ClientErrorException.class).hasMessageContaining("too small");
    }

    @Test
    void cancellingStopsBetweenBatches() {
        var settings = new EmotionTrainer.Settings(5, 16, 1e-3, false, 0, 0.15, 1);
        assertThatThrownBy(() -> EmotionTrainer.train(faces, settings, m -> { }, () -> true))
                .isInstanceOf(CancellationException.class);
    }

    /**
     * Exports the model, serves it through the onnx-classifier architecture's classifier, and returns the largest
     * difference between its probabilities and DJL's on the dataset's test images.
     */
    private static double maxDifferenceFromOnnxRuntime(EmotionTrainer.Trained trained, Path dataset, Path onnx) throws Exception {
        trained.writeOnnx(onnx);
        float[][] inputs = ImageFolderDataset.load(dataset, trained.preprocessing()).test().features();
        float[][] djl = trained.probabilities(inputs);
        float[] flat = new float[inputs.length * inputs[0].length];
        for (int i = 0; i < inputs.length; i++) {
            System.arraycopy(inputs[i], 0, flat, i * inputs[i].length, inputs[i].length);
        }
        float[][] ort;
        try (OnnxClassifier served = OnnxClassifier.open(onnx, trained.labels(), trained.preprocessing(), null, null, false)) {
            ort = served.runFeatures(flat, inputs.length);
        }
        assertThat(ort).hasNumberOfRows(inputs.length);
        double maxDiff = 0;
        for (int i = 0; i < inputs.length; i++) {
            assertThat(ort[i]).hasSize(trained.labels().size());
            for (int k = 0; k < ort[i].length; k++) {
                maxDiff = Math.max(maxDiff, Math.abs(ort[i][k] - djl[i][k]));
            }
        }
        return maxDiff;
    }

    @Test
    void trainsOnTheFer2013SampleInPlace() throws Exception {
        assumeTrue(Files.isDirectory(FER_SAMPLE), "no FER2013 sample at " + FER_SAMPLE);
        var settings = new EmotionTrainer.Settings(2, 16, 1e-3, true, 0, 0.15, 42);
        try (var trained = EmotionTrainer.train(FER_SAMPLE, settings, m -> { }, () -> false)) {
            assertThat(trained.labels()).containsExactly("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise");
            assertThat(trained.testSource()).isEqualTo("test");
            assertThat(trained.test().count()).isEqualTo(35);
            // Seventy real faces are far too few to learn expressions; the exported model must still agree with DJL.
            assertThat(maxDifferenceFromOnnxRuntime(trained, FER_SAMPLE, tmp.resolve("fer.onnx"))).isLessThanOrEqualTo(1e-4);
        }
    }
}
