package org.chimp.emotion.cnn;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.chimp.api.image.Image;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.ImagePreprocessing;
import org.chimp.emotion.onnx.CnnOnnxExport;
import org.chimp.emotion.onnx.CnnOnnxImport;
import org.chimp.training.imageclassifier.EpochMetrics;
import org.chimp.training.imageclassifier.Examples;
import org.chimp.training.imageclassifier.ImageFolderDataset;

/**
 * The emotion CNN's training, free of tracking and jobs: reads a FER2013-layout directory with the shared
 * {@link ImagePreprocessing}, holds out a validation part of train (for per-epoch metrics and early stopping) and
 * a test set (the dataset's test split, else another part of train), trains {@link EmotionNet} with Adam and
 * evaluates it on the test set. A seeded run on the CPU gives the same metrics every time.
 */
public final class EmotionTrainer {
    /** FER2013's image side. */
    public static final int IMAGE_SIZE = 48;
    /** Mean and std that map pixels in [0, 1] to [-1, 1], as for the softmax baseline. */
    public static final float MEAN = 0.5f;
    public static final float STD = 0.5f;
    /** The preprocessing training and serving share (recorded in the model config). */
    public static final ImagePreprocessing PREPROCESSING = new ImagePreprocessing(IMAGE_SIZE, IMAGE_SIZE, true, MEAN, STD);

    private EmotionTrainer() {
    }

    /**
     * @param patience        epochs without a lower validation loss before training stops (0: never stop early)
     * @param validationSplit the fraction of train held out for validation (and for testing when the dataset has
     *                        no test split)
     */
    public record Settings(int epochs, int batchSize, double learningRate, boolean augment, int patience,
                           double validationSplit, long seed) {
        public Settings {
            if (epochs < 1 || batchSize < 1 || !(learningRate > 0) || !Double.isFinite(learningRate) || patience < 0
                    || !(validationSplit > 0 && validationSplit < 1)) {
                throw new IllegalArgumentException("Bad settings " + epochs + ", " + batchSize + ", " + learningRate
                        + ", " + patience + ", " + validationSplit);
            }
        }
    }

    /** Loads the dataset and trains; {@code onEpoch} sees each epoch's metrics as they happen. */
    public static Trained train(Path datasetDir, Settings settings, Consumer<EpochMetrics> onEpoch,
                                BooleanSupplier cancelled) throws IOException {
        return train(datasetDir, settings, Optional::of, onEpoch, cancelled);
    }

    /**
     * Trains on the part of each image {@code select} picks (the largest face), skipping images where it picks
     * nothing; {@link Trained#skipped()} counts them.
     */
    public static Trained train(Path datasetDir, Settings settings, Function<Image, Optional<Image>> select,
                                Consumer<EpochMetrics> onEpoch, BooleanSupplier cancelled) throws IOException {
        ImageFolderDataset data = ImageFolderDataset.load(datasetDir, PREPROCESSING, select);
        int labelCount = data.labels().size();
        Examples train = data.train();
        Examples test = data.test();
        String testSource = "test";
        if (test == null) {
            Examples.Split split = train.stratifiedSplit(settings.validationSplit(), settings.seed(), labelCount);
            train = split.train();
            test = split.heldOut();
            testSource = "validation_split";
        }
        Examples.Split split = train.stratifiedSplit(settings.validationSplit(), settings.seed() + 1, labelCount);
        train = split.train();
        Examples validation = split.heldOut();
        if (test.size() == 0 || validation.size() == 0 || train.size() == 0) {
            throw ClientErrorException.invalid("The dataset is too small to hold images out for validation and testing: "
                    + "give each label at least 3 training images (or 2 and a test/ split)");
        }
        EmotionNet net = EmotionNet.standard(1, IMAGE_SIZE, IMAGE_SIZE, labelCount);
        Engine engine = Torch.engine();
        Torch.TRAINING.lock();
        try {
            return new Run(engine, net, data.labels(), settings, null).train(train, validation, test, testSource, onEpoch, cancelled)
                    .withSkipped(data.skipped());
        } finally {
            Torch.TRAINING.unlock();
        }
    }

    /**
     * Fine-tunes a trained network: the same loop as {@link #train}, starting from {@code start}'s weights instead
     * of random ones. {@code labels} are the network's outputs in order; the examples' targets index them.
     */
    public static Trained fineTune(CnnOnnxImport start, List<String> labels, Examples train, Examples validation,
                                   Examples test, Settings settings, Consumer<EpochMetrics> onEpoch, BooleanSupplier cancelled) {
        if (labels.size() != start.net().labels()) {
            throw new IllegalArgumentException(labels.size() + " labels for a network with " + start.net().labels() + " outputs");
        }
        Engine engine = Torch.engine();
        Torch.TRAINING.lock();
        try {
            return new Run(engine, start.net(), labels, settings, start).train(train, validation, test, "test", onEpoch, cancelled);
        } finally {
            Torch.TRAINING.unlock();
        }
    }

    /** One training: the DJL model and its trainer. */
    private static final class Run {
        private final Engine engine;
        private final EmotionNet net;
        private final List<String> labels;
        private final Settings settings;
        private final Augmenter augmenter;
        private final CnnOnnxImport start;

        Run(Engine engine, EmotionNet net, List<String> labels, Settings settings, CnnOnnxImport start) {
            this.augmenter = new Augmenter(net.width(), net.height(), STD);
            this.start = start;
            this.engine = engine;
            this.net = net;
            this.labels = labels;
            this.settings = settings;
        }

        Trained train(Examples train, Examples validation, Examples test, String testSource,
                      Consumer<EpochMetrics> onEpoch, BooleanSupplier cancelled) {
            // Seeds PyTorch's generator (weight initialisation, dropout); shuffling and augmentation use our own.
            engine.setRandomSeed(Torch.seed(settings.seed()));
            Device device = Torch.device(engine);
            Model model = Model.newInstance("emotion-cnn", device, engine.getEngineName());
            try {
                model.setBlock(net.block());
                DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                        .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) settings.learningRate())).build())
                        .optDevices(new Device[] {device});
                List<EpochMetrics> history = new ArrayList<>();
                EarlyStopping stopping = new EarlyStopping(settings.patience());
                boolean stoppedEarly = false;
                int bestEpoch;
                try (Trainer trainer = model.newTrainer(config)) {
                    trainer.initialize(new Shape(1, net.channels(), net.height(), net.width()));
                    if (start != null) {
                        start.applyTo(model.getBlock());
                    }
                    Random rnd = new Random(settings.seed());
                    Map<String, float[]> best = null;
                    for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
                        double[] lossAndAccuracy = epoch(trainer, model, train, rnd, epoch, cancelled);
                        Evaluation val = Trained.evaluate(model, net, labels, validation);
                        EpochMetrics m = new EpochMetrics(epoch, lossAndAccuracy[0], lossAndAccuracy[1], val.loss(), val.accuracy());
                        history.add(m);
                        onEpoch.accept(m);
                        if (stopping.improved(epoch, val.loss())) {
                            best = settings.patience() > 0 && epoch < settings.epochs() ? snapshot(model) : null;
                        } else if (stopping.shouldStop(epoch)) {
                            stoppedEarly = true;
                            break;
                        }
                    }
                    // With early stopping, the weights of the epoch with the lowest validation loss are kept.
                    bestEpoch = history.size();
                    if (best != null && stopping.bestEpoch() != history.size()) {
                        restore(model, best);
                        bestEpoch = stopping.bestEpoch();
                    }
                }
                Trained trained = new Trained(labels, PREPROCESSING, net, model, List.copyOf(history),
                        Trained.evaluate(model, net, labels, validation), Trained.evaluate(model, net, labels, test),
                        testSource, train.size(), bestEpoch, stoppedEarly, device.toString(), test, 0);
                model = null;
                return trained;
            } finally {
                if (model != null) {
                    model.close();
                }
            }
        }

        /** One pass over the shuffled training images; the mean loss and accuracy of its batches (as Keras reports). */
        private double[] epoch(Trainer trainer, Model model, Examples train, Random rnd, int epoch, BooleanSupplier cancelled) {
            int[] order = permutation(train.size(), rnd);
            int f = net.channels() * net.height() * net.width();
            double lossSum = 0;
            int right = 0;
            for (int start = 0; start < order.length; start += settings.batchSize()) {
                if (cancelled.getAsBoolean()) {
                    throw new CancellationException("Training was cancelled in epoch " + epoch);
                }
                int n = Math.min(settings.batchSize(), order.length - start);
                float[] x = new float[n * f];
                float[] y = new float[n];
                for (int i = 0; i < n; i++) {
                    float[] image = train.features()[order[start + i]];
                    System.arraycopy(settings.augment() ? augmenter.apply(image, rnd) : image, 0, x, i * f, f);
                    y[i] = train.targets()[order[start + i]];
                }
                try (NDManager batch = model.getNDManager().newSubManager()) {
                    NDArray input = batch.create(x, new Shape(n, net.channels(), net.height(), net.width()));
                    NDArray target = batch.create(y, new Shape(n));
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        NDArray logits = trainer.forward(new NDList(input)).singletonOrThrow();
                        NDArray loss = trainer.getLoss().evaluate(new NDList(target), new NDList(logits));
                        gc.backward(loss);
                        lossSum += loss.getFloat() * n;
                        long[] predicted = logits.argMax(1).toLongArray();
                        for (int i = 0; i < n; i++) {
                            right += predicted[i] == (long) y[i] ? 1 : 0;
                        }
                    }
                    trainer.step();
                }
            }
            return new double[] {lossSum / order.length, (double) right / order.length};
        }
    }

    private static int[] permutation(int n, Random rnd) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static Map<String, float[]> snapshot(Model model) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            values.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return values;
    }

    private static void restore(Model model, Map<String, float[]> values) {
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            p.getValue().getArray().set(FloatBuffer.wrap(values.get(p.getKey())));
        }
    }

    /**
     * A trained network and what describes it. Holds native memory: close it when done.
     *
     * @param validation  the kept weights on the validation images
     * @param test        the kept weights on the test images
     * @param testSource  {@code test} (the dataset's test split) or {@code validation_split} (held out of train)
     * @param bestEpoch   the epoch whose weights were kept
     * @param device      where it was trained ({@code cpu()}, {@code gpu(0)})
     * @param testExamples the test images (preprocessed), to score other versions on the same ones
     * @param skipped     images left out because no face was found in them
     */
    public record Trained(List<String> labels, ImagePreprocessing preprocessing, EmotionNet net, Model model,
                          List<EpochMetrics> history, Evaluation validation, Evaluation test, String testSource,
                          int trainCount, int bestEpoch, boolean stoppedEarly, String device, Examples testExamples,
                          int skipped) implements AutoCloseable {

        /** The same, counting {@code n} images skipped because nothing was found in them. */
        Trained withSkipped(int n) {
            return new Trained(labels, preprocessing, net, model, history, validation, test, testSource, trainCount, bestEpoch,
                    stoppedEarly, device, testExamples, n);
        }

        /** Label probabilities for preprocessed images ({@link ImagePreprocessing#apply} rows), computed by DJL. */
        public float[][] probabilities(float[][] features) {
            return Trained.probabilities(model, net, features);
        }

        /** Writes the ONNX model the {@code onnx-classifier} architecture serves. */
        public void writeOnnx(Path file) throws IOException {
            CnnOnnxExport.write(net, model.getBlock(), labels, Map.of("preprocessing", preprocessing.toJson().toString()),
                    file);
        }

        @Override
        public void close() {
            model.close();
        }

        static float[][] probabilities(Model model, EmotionNet net, float[][] features) {
            int f = net.channels() * net.height() * net.width();
            float[][] out = new float[features.length][];
            // Batches of 256 bound the native memory an evaluation takes.
            for (int start = 0; start < features.length; start += 256) {
                int n = Math.min(256, features.length - start);
                float[] x = new float[n * f];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(features[start + i], 0, x, i * f, f);
                }
                try (NDManager batch = model.getNDManager().newSubManager()) {
                    NDArray input = batch.create(x, new Shape(n, net.channels(), net.height(), net.width()));
                    NDArray logits = model.getBlock().forward(new ParameterStore(batch, false), new NDList(input), false)
                            .singletonOrThrow();
                    float[] p = logits.softmax(1).toFloatArray();
                    for (int i = 0; i < n; i++) {
                        out[start + i] = Arrays.copyOfRange(p, i * net.labels(), (i + 1) * net.labels());
                    }
                }
            }
            return out;
        }

        /** Scores {@code model} on {@code examples}; public so chimp-bench's bare loop validates as training does. */
        public static Evaluation evaluate(Model model, EmotionNet net, List<String> labels, Examples examples) {
            float[][] probs = probabilities(model, net, examples.features());
            int[][] confusion = new int[labels.size()][labels.size()];
            double loss = 0;
            for (int i = 0; i < probs.length; i++) {
                int truth = examples.targets()[i];
                int best = 0;
                for (int k = 1; k < probs[i].length; k++) {
                    if (probs[i][k] > probs[i][best]) {
                        best = k;
                    }
                }
                confusion[truth][best]++;
                loss -= Math.log(Math.max(probs[i][truth], 1e-12));
            }
            return new Evaluation(labels, confusion, probs.length == 0 ? 0 : loss / probs.length);
        }
    }
}
