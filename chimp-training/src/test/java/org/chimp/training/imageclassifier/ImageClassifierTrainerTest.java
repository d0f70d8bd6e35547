package org.chimp.training.imageclassifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.chimp.api.image.ImagePreprocessing;
import org.chimp.training.sample.SyntheticFaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageClassifierTrainerTest {
    private static final Path FER_SAMPLE = Path.of(System.getProperty("chimp.fer2013", "../../shared/data/fer2013-sample"));

    @TempDir
    Path tmp;

    @Test
    void learnsSyntheticFacesAndExportsAnOnnxModelThatAgrees() throws Exception {
        SyntheticFaces.writeDirectory(tmp.resolve("faces"), 40, 12, 3);
        List<EpochMetrics> seen = new ArrayList<>();
        var settings = new ImageClassifierTrainer.Settings(48, 15, 0.1, 0.2, 42);
        var trained = ImageClassifierTrainer.train(tmp.resolve("faces"), settings, seen::add, () -> false);

        assertThat(trained.labels()).containsExactly("angry", "happy", "neutral", "sad", "surprise");
        assertThat(trained.heldOutSource()).isEqualTo("test");
        assertThat(trained.heldOut().count()).isEqualTo(5 * 12);
        assertThat(seen).hasSize(15).isEqualTo(trained.history());
        assertThat(seen).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        assertThat(seen.get(14).trainLoss()).isLessThan(seen.get(0).trainLoss());
        assertThat(trained.heldOut().accuracy()).isGreaterThan(0.6);

        Path onnx = tmp.resolve("model.onnx");
        trained.writeOnnx(onnx);
        float[][] inputs = testInputs(tmp.resolve("faces"), trained.preprocessing());
        float[][] probs = runOnnx(onnx, inputs);
        assertThat(probs).hasNumberOfRows(inputs.length);
        for (int i = 0; i < inputs.length; i++) {
            assertThat(probs[i]).hasSize(5);
            double sum = 0;
            for (float p : probs[i]) {
                sum += p;
            }
            assertThat(sum).isCloseTo(1.0, within(1e-4));
            float[] own = trained.model().probabilities(inputs[i]);
            for (int k = 0; k < own.length; k++) {
                assertThat(probs[i][k]).isCloseTo(own[k], within(1e-4f));
            }
        }
    }

    @Test
    void sameSeedTrainsTheSameModel() throws Exception {
        SyntheticFaces.writeDirectory(tmp.resolve("faces"), 6, 0, 1);
        var settings = new ImageClassifierTrainer.Settings(16, 3, 0.1, 0.25, 9);
        var a = ImageClassifierTrainer.train(tmp.resolve("faces"), settings, m -> { }, () -> false);
        var b = ImageClassifierTrainer.train(tmp.resolve("faces"), settings, m -> { }, () -> false);
        assertThat(a.heldOutSource()).isEqualTo("validation_split");
        // 6 per label, 25% held out: 2 (rounded from 1.5) of each of the 5 labels.
        assertThat(a.heldOut().count()).isEqualTo(10);
        assertThat(a.trainCount()).isEqualTo(20);
        assertThat(a.model().weights()).isEqualTo(b.model().weights());
        assertThat(a.preprocessing().featureCount()).isEqualTo(16 * 16);
    }

    @Test
    void trainsOnTheFer2013SampleInPlace() throws Exception {
        assumeTrue(Files.isDirectory(FER_SAMPLE), "no FER2013 sample at " + FER_SAMPLE);
        var settings = new ImageClassifierTrainer.Settings(48, 10, 0.1, 0.2, 42);
        var trained = ImageClassifierTrainer.train(FER_SAMPLE, settings, m -> { }, () -> false);
        assertThat(trained.labels()).hasSize(7).contains("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise");
        assertThat(trained.heldOutSource()).isEqualTo("test");
        // Seventy real faces are far too few to learn expressions; the model must still be valid, not good.
        assertThat(trained.heldOut().accuracy()).isGreaterThanOrEqualTo(0.5 / 7);
        Path onnx = tmp.resolve("fer.onnx");
        trained.writeOnnx(onnx);
        float[][] inputs = testInputs(FER_SAMPLE, trained.preprocessing());
        float[][] probs = runOnnx(onnx, inputs);
        assertThat(probs).hasNumberOfRows(35);
        assertThat(probs[0]).hasSize(7);
    }

    private static float[][] testInputs(Path dataset, ImagePreprocessing pp) throws Exception {
        return ImageFolderDataset.load(dataset, pp).test().features();
    }

    private static float[][] runOnnx(Path model, float[][] inputs) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, inputs);
             OrtSession.Result out = session.run(Map.of(OnnxExport.INPUT, in))) {
            assertThat(session.getInputNames()).containsExactly(OnnxExport.INPUT);
            assertThat(session.getOutputNames()).containsExactly(OnnxExport.OUTPUT);
            return (float[][]) out.get(0).getValue();
        }
    }
}
