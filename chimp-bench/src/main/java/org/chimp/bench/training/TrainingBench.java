package org.chimp.bench.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.chimp.db.Database;
import org.chimp.emotion.cnn.EmotionCalibrationPlugin;
import org.chimp.emotion.cnn.EmotionCnnPlugin;
import org.chimp.emotion.cnn.EmotionNet;
import org.chimp.emotion.cnn.EmotionTrainer;
import org.chimp.emotion.cnn.Torch;
import org.chimp.jobs.Job;
import org.chimp.jobs.JobSpec;
import org.chimp.jobs.JobStatus;
import org.chimp.jobs.JobOutcome;
import org.chimp.jobs.JobContext;
import org.chimp.store.ArtifactStore;
import org.chimp.store.DatasetStore;
import org.chimp.store.FileBlobStore;
import org.chimp.store.UploadLimits;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.training.imageclassifier.Examples;
import org.chimp.training.imageclassifier.ImageFolderDataset;
import org.chimp.training.runner.PluginRegistry;
import org.chimp.training.runner.TrainingJobHandler;
import org.chimp.training.runner.TrainingService;
import org.chimp.training.sample.SyntheticFaces;

/**
 * {@code chimp bench training}: emotion-cnn run as a task (tracking, validation every epoch, export, the promotion
 * gate) next to a bare DJL loop over the same network, images and batch size, in the same run; held-out accuracy
 * on the synthetic faces and on the FER2013 sample; the time to calibrate from 100 frames. Images per second count
 * epochs 2..n, so the first epoch's warm-up (native library, allocator) is left out of both. The two run as pairs,
 * in alternating order (bare first, then plugin first), and the overhead is the median of the pairs' ratios: on a
 * shared machine the load drifts by 2-4x within a minute, so only a ratio of neighbours measured back to back means
 * anything.
 */
public final class TrainingBench {
    private TrainingBench() {
    }

    /** The figures of one run. */
    public record Result(int trainImages, int epochs, List<Double> pluginRates, List<Double> bareRates,
                         double taskSeconds, double syntheticAccuracy, Double ferAccuracy, int ferTrainImages,
                         double calibrationSeconds, int calibrationFrames, Double userBefore, Double userAfter) {
        /** How much slower per image the plugin's epochs are than the bare loop's, in percent, for each pair. */
        public double[] pairOverheadsPercent() {
            double[] o = new double[bareRates.size()];
            for (int i = 0; i < o.length; i++) {
                o[i] = 100 * (bareRates.get(i) / pluginRates.get(i) - 1);
            }
            Arrays.sort(o);
            return o;
        }

        /** The median of the pairs' overheads, in percent. */
        public double overheadPercent() {
            double[] o = pairOverheadsPercent();
            return o.length % 2 == 1 ? o[o.length / 2] : (o[o.length / 2 - 1] + o[o.length / 2]) / 2;
        }

        private static double median(List<Double> values) {
            double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }

        public String table() {
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "%-44s %12s%n", "measure", "value"));
            int rounds = bareRates.size();
            double[] pairs = pairOverheadsPercent();
            s.append(String.format(Locale.ROOT, "%-44s %12.1f%n", "bare DJL loop, images/s, median of " + rounds, median(bareRates)));
            s.append(String.format(Locale.ROOT, "%-44s %12.1f%n", "emotion-cnn plugin, images/s, median of " + rounds, median(pluginRates)));
            s.append(String.format(Locale.ROOT, "%-44s %11.1f%%%n", "plugin overhead per image, median of pairs", overheadPercent()));
            s.append(String.format(Locale.ROOT, "%-44s %12s%n", "  pairs' overheads, lowest .. highest",
                    String.format(Locale.ROOT, "%.1f .. %.1f%%", pairs[0], pairs[pairs.length - 1])));
            s.append(String.format(Locale.ROOT, "%-44s %12.1f%n", "whole task, s (" + trainImages + " train images)", taskSeconds));
            s.append(String.format(Locale.ROOT, "%-44s %12.3f%n", "held-out accuracy, synthetic faces", syntheticAccuracy));
            s.append(String.format(Locale.ROOT, "%-44s %12s%n", "held-out accuracy, FER2013 sample (" + ferTrainImages + " train)",
                    ferAccuracy == null ? "n/a" : String.format(Locale.ROOT, "%.3f", ferAccuracy)));
            s.append(String.format(Locale.ROOT, "%-44s %12.1f%n", "calibration from " + calibrationFrames + " frames, s", calibrationSeconds));
            s.append(String.format(Locale.ROOT, "%-44s %12s%n", "user accuracy before -> after",
                    userBefore == null ? "n/a" : String.format(Locale.ROOT, "%.2f -> %.2f", userBefore, userAfter)));
            return s.toString();
        }
    }

    /**
     * @param perLabel training images per expression of the synthetic faces
     * @param fer      the FER2013 sample directory, or null to skip it
     */
    public static Result run(Path work, int perLabel, int epochs, int rounds, Path fer) throws Exception {
        Files.createDirectories(work);
        try (HikariDataSource ds = Database.open("jdbc:h2:mem:training-bench-" + UUID.randomUUID())) {
            FileBlobStore blobs = new FileBlobStore(work.resolve("blobs"));
            DatasetStore datasets = new DatasetStore(ds, blobs, UploadLimits.defaults());
            TrackingStore tracking = new TrackingStore(ds, blobs);
            ModelRegistry registry = new ModelRegistry(ds, new ArtifactStore(blobs, work.resolve("cache")));
            PluginRegistry plugins = new PluginRegistry(List.of(new EmotionCnnPlugin(), new EmotionCalibrationPlugin()));
            TrainingService service = new TrainingService(plugins, datasets::resolve, r -> null, id -> Optional.empty());
            TrainingJobHandler handler = new TrainingJobHandler(plugins, datasets, tracking, registry, work.resolve("tasks"));

            Path synthDir = work.resolve("synthetic");
            SyntheticFaces.writeDirectory(synthDir, perLabel, Math.max(4, perLabel / 4), 1);
            upload(datasets, "faces", synthDir, work);
            Map<String, String> args = Map.of("epochs", Integer.toString(epochs), "batch_size", "64", "augment", "false",
                    "patience", "0", "promote", "auto");
            // One unmeasured plugin run first: it warms up the JIT, the native library and tells the train split's size.
            Timed plugin = run(handler, service.payload(EmotionCnnPlugin.NAME, args, "{\"train\": \"faces\"}"));
            Map<String, String> params = tracking.getRun(plugin.result().get("run_id").asText()).params();
            int trainImages = Integer.parseInt(params.get("train_images"));
            int validationImages = Integer.parseInt(params.get("validation_images"));
            List<Double> bareRates = new ArrayList<>();
            List<Double> pluginRates = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                // Pairs in alternating order, so neither side always runs while the machine is warmer or busier.
                if (round % 2 == 0) {
                    bareRates.add(bare(synthDir, epochs, 64, trainImages, validationImages));
                }
                plugin = run(handler, service.payload(EmotionCnnPlugin.NAME, args, "{\"train\": \"faces\"}"));
                pluginRates.add(trainImages * (epochs - 1) / plugin.epochSpan());
                if (round % 2 == 1) {
                    bareRates.add(bare(synthDir, epochs, 64, trainImages, validationImages));
                }
            }

            Double ferAccuracy = null;
            int ferTrain = 0;
            if (fer != null && Files.isDirectory(fer)) {
                upload(datasets, "fer", fer, work);
                Timed f = run(handler, service.payload(EmotionCnnPlugin.NAME, Map.of("epochs", "30", "model_name", "fer"),
                        "{\"train\": \"fer\"}"));
                ferAccuracy = f.result().at("/metrics/test_accuracy").asDouble();
                ferTrain = Integer.parseInt(tracking.getRun(f.result().get("run_id").asText()).params().get("train_images"));
            }

            // The user's frames look unlike the training data (negatives, as under odd lighting): what calibration is for.
            Path frames = work.resolve("frames");
            SyntheticFaces.writeDirectory(frames, 20, 4, 2);
            negate(frames);
            upload(datasets, "frames", frames, work);
            Timed calibration = run(handler, service.payload(EmotionCalibrationPlugin.NAME, Map.of("user", "bench"),
                    "{\"calibration\": \"frames\"}"));
            JsonNode m = calibration.result().get("metrics");
            return new Result(trainImages, epochs, List.copyOf(pluginRates), List.copyOf(bareRates), plugin.seconds(),
                    plugin.result().at("/metrics/test_accuracy").asDouble(), ferAccuracy, ferTrain, calibration.seconds(), 100,
                    m.has("user_accuracy_before") ? m.get("user_accuracy_before").asDouble() : null,
                    m.has("user_accuracy_after") ? m.get("user_accuracy_after").asDouble() : null);
        }
    }

    /**
     * The bare loop: the same network, Adam step and batch size over the same number of training images (the
     * plugin's train split), and the same validation pass after each epoch over as many images as the plugin's
     * validation split (the algorithm's work, so that the difference is what the task around it costs: tracking,
     * progress, the job); images per second over epochs 2..n.
     */
    static double bare(Path datasetDir, int epochs, int batchSize, int trainImages, int validationImages) throws IOException {
        ImageFolderDataset data = ImageFolderDataset.load(datasetDir, EmotionTrainer.PREPROCESSING);
        Examples all = data.train();
        List<Integer> rows = new ArrayList<>();
        List<Integer> held = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            (rows.size() < trainImages ? rows : held).add(i);
        }
        Examples train = all.select(rows);
        Examples validation = all.select(held.subList(0, Math.min(validationImages, held.size())));
        EmotionNet net = EmotionNet.standard(1, EmotionTrainer.IMAGE_SIZE, EmotionTrainer.IMAGE_SIZE, data.labels().size());
        Engine engine = Torch.engine();
        Torch.TRAINING.lock();
        try (Model model = Model.newInstance("bare", Torch.device(engine), engine.getEngineName())) {
            engine.setRandomSeed(1);
            model.setBlock(net.block());
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build())
                    .optDevices(new Device[] {Torch.device(engine)});
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(1, 1, net.height(), net.width()));
                int f = net.height() * net.width();
                Random rnd = new Random(1);
                long start = 0;
                for (int epoch = 1; epoch <= epochs; epoch++) {
                    if (epoch == 2) {
                        start = System.nanoTime();
                    }
                    int[] order = rnd.ints(0, train.size()).distinct().limit(train.size()).toArray();
                    for (int s = 0; s < order.length; s += batchSize) {
                        int n = Math.min(batchSize, order.length - s);
                        float[] x = new float[n * f];
                        float[] y = new float[n];
                        for (int i = 0; i < n; i++) {
                            System.arraycopy(train.features()[order[s + i]], 0, x, i * f, f);
                            y[i] = train.targets()[order[s + i]];
                        }
                        try (NDManager batch = model.getNDManager().newSubManager()) {
                            NDArray input = batch.create(x, new Shape(n, 1, net.height(), net.width()));
                            NDArray target = batch.create(y, new Shape(n));
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                NDArray logits = trainer.forward(new NDList(input)).singletonOrThrow();
                                NDArray loss = trainer.getLoss().evaluate(new NDList(target), new NDList(logits));
                                gc.backward(loss);
                                loss.getFloat(); // as the plugin reads each batch's loss
                            }
                            trainer.step();
                        }
                    }
                    EmotionTrainer.Trained.evaluate(model, net, data.labels(), validation);
                }
                return (double) train.size() * (epochs - 1) / ((System.nanoTime() - start) / 1e9);
            }
        } finally {
            Torch.TRAINING.unlock();
        }
    }

    /** A task's result, its wall time, and the time from the end of epoch 1 to the end of the last epoch. */
    private record Timed(JsonNode result, double seconds, double epochSpan) {
    }

    private static Timed run(TrainingJobHandler handler, ObjectNode payload) throws Exception {
        Job job = new Job(new JobSpec(UUID.randomUUID().toString(), "training", "training", payload, 1, 0, null, null,
                Instant.now()), JobStatus.running(1, null, Instant.now()), JobOutcome.NONE);
        List<Long> epochEnds = new ArrayList<>();
        long start = System.nanoTime();
        JsonNode result = handler.handle(new JobContext() {
            @Override
            public Job job() {
                return job;
            }

            @Override
            public void progress(double fraction, String message) {
                if (message.startsWith("Epoch ")) {
                    epochEnds.add(System.nanoTime());
                }
            }

            @Override
            public boolean cancelled() {
                return false;
            }
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        double span = epochEnds.size() < 2 ? seconds : (epochEnds.get(epochEnds.size() - 1) - epochEnds.get(0)) / 1e9;
        return new Timed(result, seconds, span);
    }

    private static void negate(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".png")).toList()) {
                java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(f.toFile());
                for (int y = 0; y < img.getHeight(); y++) {
                    for (int x = 0; x < img.getWidth(); x++) {
                        img.setRGB(x, y, ~img.getRGB(x, y) | 0xff000000);
                    }
                }
                javax.imageio.ImageIO.write(img, "png", f.toFile());
            }
        }
    }

    private static void upload(DatasetStore datasets, String name, Path dir, Path work) throws IOException {
        Path zip = work.resolve(name + ".zip");
        try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os); Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                z.putNextEntry(new ZipEntry(dir.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, z);
                z.closeEntry();
            }
        }
        try (InputStream in = Files.newInputStream(zip)) {
            datasets.upload(name, in);
        }
    }
}
