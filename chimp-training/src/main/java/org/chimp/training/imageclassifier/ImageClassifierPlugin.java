package org.chimp.training.imageclassifier;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.chimp.api.param.ParameterSpec;
import org.chimp.api.param.ParameterType;
import org.chimp.api.param.TextKind;
import org.chimp.training.DatasetSpec;
import org.chimp.training.PluginInfo;
import org.chimp.training.TrainingContext;
import org.chimp.training.TrainingPlugin;
import org.chimp.training.TrainingResult;
import org.chimp.training.ModelInfo;
import org.chimp.training.promotion.HeldOut;
import org.chimp.training.promotion.Promotion;

/**
 * The built-in plugin: trains an image classifier (e.g. facial expressions) on a FER2013-layout dataset and
 * registers it as an {@code onnx-classifier} model for the {@code image-classification} task.
 */
public final class ImageClassifierPlugin implements TrainingPlugin {
    public static final String NAME = "image-classifier";
    public static final String TASK = "image-classification";
    public static final String ARCHITECTURE = "onnx-classifier";
    /** The dataset key. */
    public static final String TRAIN = "train";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final PluginInfo INFO = new PluginInfo(NAME, "1.0.0",
            "Trains a softmax classifier on grayscale, resized images (e.g. facial expressions), evaluates it on the "
                    + "test split (or a held-out part of train) and registers it as an ONNX model",
            List.of(
                    ParameterSpec.optional("model_name", ParameterType.STRING, "registered model to add a version to", JSON.textNode(NAME))
                            .holding(TextKind.MODEL_NAME),
                    ParameterSpec.optional("experiment_name", ParameterType.STRING, "tracking experiment of the run", JSON.textNode(NAME))
                            .holding(TextKind.EXPERIMENT_NAME),
                    ParameterSpec.optional("epochs", ParameterType.INTEGER, "passes over the training images", JSON.numberNode(20)).between(1.0, 500.0),
                    ParameterSpec.optional("learning_rate", ParameterType.NUMBER, "SGD step size", JSON.numberNode(0.1)).between(1e-6, 10.0),
                    ParameterSpec.optional("image_size", ParameterType.INTEGER, "side length images are resized to", JSON.numberNode(48)).between(8.0, 256.0),
                    ParameterSpec.optional("validation_split", ParameterType.NUMBER,
                            "fraction of train held out for evaluation when the dataset has no test split", JSON.numberNode(0.2)).between(0.05, 0.5),
                    ParameterSpec.optional("seed", ParameterType.INTEGER, "seed of the split and the shuffling", JSON.numberNode(42)),
                    Promotion.arguments().get(0), Promotion.arguments().get(1)),
            List.of(new DatasetSpec(TRAIN, "images in the FER2013 layout: train/<label>/*.png|jpg, optionally test/<label>/...", false)),
            "onnx");

    @Override
    public PluginInfo info() {
        return INFO;
    }

    @Override
    public void checkArguments(ObjectNode args) {
        Promotion.of(args);
    }

    @Override
    public TrainingResult run(TrainingContext ctx) throws Exception {
        ObjectNode args = ctx.arguments();
        Promotion promotion = Promotion.of(args);
        var settings = new ImageClassifierTrainer.Settings(args.get("image_size").asInt(), args.get("epochs").asInt(),
                args.get("learning_rate").asDouble(), args.get("validation_split").asDouble(), args.get("seed").asLong());
        ctx.logParams(params(ctx, args));
        ctx.progress(0, "Reading the dataset");

        ImageClassifierTrainer.Trained trained = ImageClassifierTrainer.train(ctx.dataset(TRAIN), settings, m -> {
            ctx.logMetric("train_loss", m.trainLoss(), m.epoch());
            ctx.logMetric("train_accuracy", m.trainAccuracy(), m.epoch());
            ctx.logMetric("val_loss", m.valLoss(), m.epoch());
            ctx.logMetric("val_accuracy", m.valAccuracy(), m.epoch());
            // Training is most of the time; the rest (export, registration) gets the last 5%.
            ctx.progress(0.95 * m.epoch() / settings.epochs(), String.format(Locale.ROOT,
                    "Epoch %d/%d: train accuracy %.3f, validation accuracy %.3f", m.epoch(), settings.epochs(),
                    m.trainAccuracy(), m.valAccuracy()));
        }, ctx::cancelled);

        ctx.logParams(Map.of("held_out", trained.heldOutSource(), "train_images", Integer.toString(trained.trainCount()),
                "held_out_images", Integer.toString(trained.heldOut().count()), "labels", String.join(",", trained.labels())));
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("test_accuracy", trained.heldOut().accuracy());
        metrics.put("test_loss", trained.heldOut().loss());
        EpochMetrics last = trained.history().get(trained.history().size() - 1);
        metrics.put("train_accuracy", last.trainAccuracy());
        metrics.put("train_loss", last.trainLoss());
        ctx.logMetric("test_accuracy", trained.heldOut().accuracy(), settings.epochs());
        ctx.logMetric("test_loss", trained.heldOut().loss(), settings.epochs());

        ctx.progress(0.96, "Exporting the model to ONNX");
        Path onnx = ctx.tempDir().resolve("model.onnx");
        trained.writeOnnx(onnx);
        ObjectNode parameters = JSON.objectNode();
        trained.labels().forEach(parameters.putArray("labels")::add);
        parameters.set("preprocessing", trained.preprocessing().toJson());
        ModelInfo version = ctx.registerModel(args.get("model_name").asText(), TASK, ARCHITECTURE, parameters,
                Map.of("weights", onnx), Map.of());
        version = promotion.apply(ctx, version, HeldOut.of(trained.heldOutExamples(), trained.labels(), trained.preprocessing()),
                args.get("promotion_margin").asDouble());
        ctx.progress(1, "Registered " + version.name() + " version " + version.version() + String.format(Locale.ROOT,
                " (held-out accuracy %.3f, stage %s)", trained.heldOut().accuracy(), version.stage()));
        return new TrainingResult(ctx.runId(), version.name(), version.version(), metrics);
    }

    /** The arguments, which dataset versions were used (by reference and content hash), and the data sizes. */
    private static Map<String, String> params(TrainingContext ctx, ObjectNode args) {
        Map<String, String> params = new LinkedHashMap<>();
        args.fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
        ctx.datasetVersions().forEach((key, v) -> {
            params.put("dataset." + key, v.ref());
            params.put("dataset." + key + ".content_hash", v.contentHash());
        });
        params.put("model_class", "softmax_regression");
        params.put("batch_size", Integer.toString(ImageClassifierTrainer.BATCH_SIZE));
        params.put("l2", Double.toString(ImageClassifierTrainer.L2));
        return params;
    }
}
