package org.chimp.emotion.cnn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.Image;
import org.chimp.api.vision.FaceDetection;
import org.chimp.api.Names;
import org.chimp.api.param.ParameterSpec;
import org.chimp.api.param.ParameterType;
import org.chimp.training.DatasetSpec;
import org.chimp.training.ModelInfo;
import org.chimp.training.promotion.HeldOut;
import org.chimp.training.promotion.Promotion;
import org.chimp.training.PluginInfo;
import org.chimp.training.TrainingContext;
import org.chimp.training.TrainingPlugin;
import org.chimp.training.TrainingResult;
import org.chimp.training.imageclassifier.EpochMetrics;

/**
 * {@code emotion-cnn}: trains a small convolutional network on facial expressions (FER2013 layout) with DJL on
 * PyTorch, evaluates it on the test split, and registers it as an {@code onnx-classifier} model for the
 * {@code image-classification} task, exported by {@link org.chimp.emotion.onnx.CnnOnnxExport}.
 */
public final class EmotionCnnPlugin implements TrainingPlugin {
    public static final String NAME = "emotion-cnn";
    public static final String TASK = "image-classification";
    public static final String ARCHITECTURE = "onnx-classifier";
    /** The dataset key. */
    public static final String TRAIN = "train";
    /** The run artifact with the test confusion matrix. */
    public static final String CONFUSION_MATRIX = "confusion_matrix.json";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final PluginInfo INFO = new PluginInfo(NAME, "1.0.0",
            "Trains a convolutional network on grayscale 48x48 faces (FER2013 layout) with DJL on PyTorch (a GPU when "
                    + "present), evaluates it on the test split and registers it as an ONNX model",
            List.of(
                    ParameterSpec.optional("model_name", ParameterType.STRING, "registered model to add a version to", JSON.textNode("emotion")),
                    ParameterSpec.optional("experiment_name", ParameterType.STRING, "tracking experiment of the run", JSON.textNode(NAME)),
                    ParameterSpec.optional("epochs", ParameterType.INTEGER, "most passes over the training images", JSON.numberNode(30)).between(1.0, 500.0),
                    ParameterSpec.optional("batch_size", ParameterType.INTEGER, "images per optimisation step", JSON.numberNode(64)).between(1.0, 512.0),
                    ParameterSpec.optional("learning_rate", ParameterType.NUMBER, "Adam step size", JSON.numberNode(1e-3)).between(1e-6, 1.0),
                    ParameterSpec.optional("augment", ParameterType.BOOLEAN,
                            "randomly flip, shift (up to 8%), rotate (up to 10 degrees) and brighten (up to 0.1) training images",
                            JSON.booleanNode(true)),
                    ParameterSpec.optional("patience", ParameterType.INTEGER,
                            "stop after this many epochs without a lower validation loss and keep the best epoch's weights (0: never stop early)",
                            JSON.numberNode(5)).between(0.0, 500.0),
                    ParameterSpec.optional("validation_split", ParameterType.NUMBER,
                            "fraction of train held out for validation (and for testing when the dataset has no test split)",
                            JSON.numberNode(0.15)).between(0.05, 0.5),
                    ParameterSpec.optional("seed", ParameterType.INTEGER,
                            "seed of the split, shuffling, augmentation and weights; the same seed gives the same metrics on a CPU",
                            JSON.numberNode(42)),
                    ParameterSpec.optional("detect_faces", ParameterType.BOOLEAN,
                            "train on the largest face found in each image (raw photos); images without a face are skipped "
                                    + "and counted (images_without_face)", JSON.booleanNode(false)),
                    Promotion.arguments().get(0), Promotion.arguments().get(1)),
            List.of(new DatasetSpec(TRAIN, "images in the FER2013 layout: train/<label>/*.png|jpg, optionally test/<label>/...", false)),
            "onnx");

    @Override
    public PluginInfo info() {
        return INFO;
    }

    @Override
    public void checkArguments(ObjectNode args) {
        Names.modelName(args.path("model_name").asText());
        Names.experimentName(args.path("experiment_name").asText());
        Promotion.of(args);
    }

    /** The training settings the (typed, checked) arguments give. */
    static EmotionTrainer.Settings settings(ObjectNode args) {
        return new EmotionTrainer.Settings(args.get("epochs").asInt(), args.get("batch_size").asInt(),
                args.get("learning_rate").asDouble(), args.get("augment").asBoolean(), args.get("patience").asInt(),
                args.get("validation_split").asDouble(), args.get("seed").asLong());
    }

    @Override
    public TrainingResult run(TrainingContext ctx) throws Exception {
        ObjectNode args = ctx.arguments();
        checkArguments(args);
        EmotionTrainer.Settings settings = settings(args);
        ctx.logParams(params(ctx, args));
        ctx.progress(0, "Reading the dataset");

        Function<Image, Optional<Image>> select = Optional::of;
        if (args.get("detect_faces").asBoolean()) {
            FaceDetection faces = ctx.faceDetection();
            if (!faces.on()) {
                throw ClientErrorException.conflict("detect_faces=true, but " + faces.status());
            }
            select = image -> faces.detect(image).stream().findFirst().map(box -> box.crop(image));
        }
        try (EmotionTrainer.Trained trained = EmotionTrainer.train(ctx.dataset(TRAIN), settings, select, m -> {
            ctx.logMetric("train_loss", m.trainLoss(), m.epoch());
            ctx.logMetric("train_accuracy", m.trainAccuracy(), m.epoch());
            ctx.logMetric("val_loss", m.valLoss(), m.epoch());
            ctx.logMetric("val_accuracy", m.valAccuracy(), m.epoch());
            // Training is most of the time; the rest (evaluation, export, registration) gets the last 5%.
            ctx.progress(0.95 * m.epoch() / settings.epochs(), String.format(Locale.ROOT,
                    "Epoch %d/%d: train accuracy %.3f, validation accuracy %.3f", m.epoch(), settings.epochs(),
                    m.trainAccuracy(), m.valAccuracy()));
        }, ctx::cancelled)) {
            ctx.logParams(Map.of("device", trained.device(), "held_out", trained.testSource(),
                    "train_images", Integer.toString(trained.trainCount()),
                    "validation_images", Integer.toString(trained.validation().count()),
                    "test_images", Integer.toString(trained.test().count()), "labels", String.join(",", trained.labels()),
                    "best_epoch", Integer.toString(trained.bestEpoch()), "stopped_early", Boolean.toString(trained.stoppedEarly()),
                    "images_without_face", Integer.toString(trained.skipped())));
            Map<String, Double> metrics = testMetrics(trained.test());
            long step = trained.history().size();
            metrics.forEach((k, v) -> ctx.logMetric(k, v, step));
            ctx.logMetric("images_without_face", trained.skipped(), step);
            ctx.logArtifact(CONFUSION_MATRIX, trained.test().confusionJson().toPrettyString().getBytes(StandardCharsets.UTF_8));
            EpochMetrics last = trained.history().get(trained.history().size() - 1);
            metrics.put("train_accuracy", last.trainAccuracy());
            metrics.put("train_loss", last.trainLoss());
            metrics.put("images_without_face", (double) trained.skipped());

            ctx.progress(0.96, "Exporting the model to ONNX");
            Path onnx = ctx.tempDir().resolve("model.onnx");
            trained.writeOnnx(onnx);
            ObjectNode parameters = JSON.objectNode();
            trained.labels().forEach(parameters.putArray("labels")::add);
            parameters.set("preprocessing", trained.preprocessing().toJson());
            ModelInfo version = ctx.registerModel(args.get("model_name").asText(), TASK, ARCHITECTURE, parameters,
                    Map.of("weights", onnx), Map.of());
            version = Promotion.of(args).apply(ctx, version, HeldOut.of(trained.testExamples(), trained.labels(), trained.preprocessing()),
                    args.get("promotion_margin").asDouble());
            ctx.progress(1, "Registered " + version.name() + " version " + version.version() + String.format(Locale.ROOT,
                    " (test accuracy %.3f, stage %s)", trained.test().accuracy(), version.stage()));
            return new TrainingResult(ctx.runId(), version.name(), version.version(), metrics);
        }
    }

    /**
     * test_accuracy, test_loss, and precision_/recall_ of every label on the test set. Tracking keys take ASCII
     * letters, digits, {@code _ - . /} and spaces, so other characters of a label become {@code _}; a label that
     * then collides with an earlier one gets its index appended.
     */
    static Map<String, Double> testMetrics(Evaluation test) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("test_accuracy", test.accuracy());
        metrics.put("test_loss", test.loss());
        for (int k = 0; k < test.labels().size(); k++) {
            String label = test.labels().get(k).replaceAll("[^A-Za-z0-9_.\\- ]", "_");
            if (metrics.containsKey("precision_" + label)) {
                label = label + "_" + k;
            }
            metrics.put("precision_" + label, test.precision(k));
            metrics.put("recall_" + label, test.recall(k));
        }
        return metrics;
    }

    /** The arguments, which dataset versions were used (by reference and content hash), and the model's shape. */
    private static Map<String, String> params(TrainingContext ctx, ObjectNode args) {
        Map<String, String> params = new LinkedHashMap<>();
        args.fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
        ctx.datasetVersions().forEach((key, v) -> {
            params.put("dataset." + key, v.ref());
            params.put("dataset." + key + ".content_hash", v.contentHash());
        });
        params.put("model_class", "cnn");
        params.put("optimizer", "adam");
        params.put("image_size", Integer.toString(EmotionTrainer.IMAGE_SIZE));
        return params;
    }
}
