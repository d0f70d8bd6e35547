package org.chimp.training.imageclassifier;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.ImagePreprocessing;

/**
 * The image classifier's training, free of tracking and jobs: reads a FER2013-layout directory, preprocesses with
 * the {@link ImagePreprocessing} serving will use, trains a softmax regression and evaluates it on held-out data
 * (the test split if the dataset has one, else a seeded stratified part of train).
 */
public final class ImageClassifierTrainer {
    /** Mean and std that map pixels in [0, 1] to [-1, 1]. */
    public static final float MEAN = 0.5f;
    public static final float STD = 0.5f;
    static final int BATCH_SIZE = 32;
    static final double L2 = 1e-4;

    private ImageClassifierTrainer() {
    }

    /**
     * @param imageSize       the side images are resized to
     * @param validationSplit the fraction of train held out when the dataset has no test split
     */
    public record Settings(int imageSize, int epochs, double learningRate, double validationSplit, long seed) {
        /** The preprocessing these settings imply: grayscale, square, [-1, 1]. */
        public ImagePreprocessing preprocessing() {
            return new ImagePreprocessing(imageSize, imageSize, true, MEAN, STD);
        }
    }

    /** The outcome: the model and everything needed to register and describe it. */
    public record Trained(List<String> labels, ImagePreprocessing preprocessing, SoftmaxRegression model,
                          List<EpochMetrics> history, SoftmaxRegression.Evaluation heldOut, String heldOutSource,
                          int trainCount, Examples heldOutExamples) {
        /** Writes the ONNX model (see {@link OnnxExport}). */
        public void writeOnnx(Path file) throws IOException {
            OnnxExport.write(model, labels, Map.of("preprocessing", preprocessing.toJson().toString()),
                    "org.chimp.image-classifier", 1, file);
        }
    }

    /** Loads the dataset and trains; {@code onEpoch} sees each epoch's metrics as they happen. */
    public static Trained train(Path datasetDir, Settings settings, Consumer<EpochMetrics> onEpoch,
                                BooleanSupplier cancelled) throws IOException {
        ImagePreprocessing pp = settings.preprocessing();
        ImageFolderDataset data = ImageFolderDataset.load(datasetDir, pp);
        int labelCount = data.labels().size();
        Examples train = data.train();
        Examples heldOut = data.test();
        String source = "test";
        if (heldOut == null) {
            Examples.Split split = train.stratifiedSplit(settings.validationSplit(), settings.seed(), labelCount);
            train = split.train();
            heldOut = split.heldOut();
            source = "validation_split";
        }
        if (heldOut.size() == 0) {
            throw ClientErrorException.invalid("The dataset is too small to hold any images out for evaluation: give "
                    + "each label at least 2 training images, or add a test/ split");
        }
        List<EpochMetrics> history = new ArrayList<>();
        SoftmaxTrainer trainer = new SoftmaxTrainer(settings.epochs(), settings.learningRate(), BATCH_SIZE, L2, settings.seed());
        SoftmaxRegression model = trainer.train(train, heldOut, labelCount, m -> {
            history.add(m);
            onEpoch.accept(m);
        }, cancelled);
        return new Trained(data.labels(), pp, model, List.copyOf(history), model.evaluate(heldOut), source, train.size(), heldOut);
    }
}
