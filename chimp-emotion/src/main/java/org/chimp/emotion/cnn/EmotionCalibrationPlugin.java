package org.chimp.emotion.cnn;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.chimp.api.Names;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.ImagePreprocessing;
import org.chimp.api.param.ParameterSpec;
import org.chimp.api.param.ParameterType;
import org.chimp.api.param.TextKind;
import org.chimp.emotion.onnx.CnnOnnxImport;
import org.chimp.training.DatasetSpec;
import org.chimp.training.ModelInfo;
import org.chimp.training.PluginInfo;
import org.chimp.training.TrainingContext;
import org.chimp.training.TrainingPlugin;
import org.chimp.training.TrainingResult;
import org.chimp.training.imageclassifier.Examples;
import org.chimp.training.imageclassifier.ImageFolderDataset;
import org.chimp.training.promotion.HeldOut;

/**
 * {@code emotion-calibration}: fine-tunes the Production version of an emotion model on one user's labelled frames,
 * mixed with a replayed sample of the data that version was trained on (so it does not forget everyone else), and
 * registers the result as a personal version: tagged {@value #USER_TAG} and {@value #PARENT_TAG}, never staged.
 * Serving answers that user ({@code ?id=<user>}) with their newest personal version. The user's {@code test/}
 * frames, when given, are scored before and after ({@code user_accuracy_before}, {@code user_accuracy_after}).
 */
public final class EmotionCalibrationPlugin implements TrainingPlugin {
    public static final String NAME = "emotion-calibration";
    /** The dataset key. */
    public static final String CALIBRATION = "calibration";
    /** Version tag: whose personal version it is. */
    public static final String USER_TAG = "chimp.user";
    /** Version tag: the Production version it was fine-tuned from. */
    public static final String PARENT_TAG = "chimp.parent_version";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final PluginInfo INFO = new PluginInfo(NAME, "1.0.0",
            "Fine-tunes the Production emotion model on one user's labelled frames (mixed with replayed training data) "
                    + "and registers a personal version that serving uses for that user",
            List.of(
                    ParameterSpec.required("user", ParameterType.STRING, "the user the personal version is for (as in ?id=)")
                            .holding(TextKind.USER),
                    ParameterSpec.optional("model_name", ParameterType.STRING, "registered model whose Production version is fine-tuned",
                            JSON.textNode("emotion")).holding(TextKind.MODEL_NAME),
                    ParameterSpec.optional("experiment_name", ParameterType.STRING, "tracking experiment of the run", JSON.textNode(NAME))
                            .holding(TextKind.EXPERIMENT_NAME),
                    ParameterSpec.optional("epochs", ParameterType.INTEGER, "passes over the mixed frames", JSON.numberNode(5)).between(1.0, 100.0),
                    ParameterSpec.optional("learning_rate", ParameterType.NUMBER, "Adam step size (small: the model is already trained)",
                            JSON.numberNode(1e-4)).between(1e-7, 0.1),
                    ParameterSpec.optional("replay_fraction", ParameterType.NUMBER,
                            "share of the training mix drawn from the Production version's own training data (0: the user's frames only)",
                            JSON.numberNode(0.5)).between(0.0, 0.9),
                    ParameterSpec.optional("batch_size", ParameterType.INTEGER, "frames per optimisation step", JSON.numberNode(32)).between(1.0, 512.0),
                    ParameterSpec.optional("seed", ParameterType.INTEGER, "seed of the replay sample, shuffling and augmentation", JSON.numberNode(42))),
            List.of(new DatasetSpec(CALIBRATION, "the user's labelled frames in the FER2013 layout: train/<label>/*.png|jpg, "
                    + "optionally test/<label>/... to measure the gain", false)),
            "onnx");

    @Override
    public PluginInfo info() {
        return INFO;
    }

    @Override
    public void checkArguments(ObjectNode args) {
        Names.user(args.path("user").asText(""));
    }

    @Override
    public TrainingResult run(TrainingContext ctx) throws Exception {
        ObjectNode args = ctx.arguments();
        checkArguments(args);
        String user = args.get("user").asText();
        String modelName = args.get("model_name").asText();
        ModelInfo parent = ctx.productionVersion(modelName).orElseThrow(() -> ClientErrorException.conflict("Model '" + modelName
                + "' has no Production version to calibrate; train one with emotion-cnn and promote it first"));
        if (parent.config() == null || !parent.config().parameters().path("labels").isArray()) {
            throw ClientErrorException.conflict("Model '" + modelName + "' version " + parent.version() + " has no labels to calibrate");
        }
        List<String> labels = new ArrayList<>();
        parent.config().parameters().get("labels").forEach(l -> labels.add(l.asText()));
        ImagePreprocessing pp = ImagePreprocessing.fromJson(parent.config().parameters().path("preprocessing"));
        CnnOnnxImport start = CnnOnnxImport.read(ctx.modelFile(parent, "weights"));
        if (!pp.equals(EmotionTrainer.PREPROCESSING) || start.net().labels() != labels.size()) {
            throw ClientErrorException.conflict("Model '" + modelName + "' version " + parent.version()
                    + " was not trained by emotion-cnn (other preprocessing or outputs); calibration needs one that was");
        }
        ctx.progress(0, "Reading the frames of user " + user);

        ImageFolderDataset own = ImageFolderDataset.load(ctx.dataset(CALIBRATION), pp);
        Examples userTrain = remap(own.train(), own.labels(), labels, true);
        Examples userTest = own.test() == null ? null : remap(own.test(), own.labels(), labels, true);
        long seed = args.get("seed").asLong();
        Replay replay = replay(ctx, parent, labels, pp, userTrain.size(), args.get("replay_fraction").asDouble(), seed);
        Examples mixed = concat(userTrain, replay.examples());

        Map<String, String> params = new LinkedHashMap<>();
        args.fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
        ctx.datasetVersions().forEach((key, v) -> params.put("dataset." + key, v.ref()));
        params.put("parent_version", Integer.toString(parent.version()));
        params.put("user_frames", Integer.toString(userTrain.size()));
        params.put("user_test_frames", Integer.toString(userTest == null ? 0 : userTest.size()));
        params.put("replay_frames", Integer.toString(replay.examples().size()));
        params.put("replay_source", replay.source());
        ctx.logParams(params);

        HeldOut userHeldOut = userTest == null ? null : HeldOut.of(userTest, labels, pp);
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (userHeldOut != null) {
            try (var model = ctx.loadClassifier(parent)) {
                metrics.put("user_accuracy_before", userHeldOut.accuracy(model));
            }
        }
        int epochs = args.get("epochs").asInt();
        // Validation watches the user's own frames (their test split if given); no early stopping on so few.
        Examples validation = userTest != null ? userTest : userTrain;
        EmotionTrainer.Settings settings = new EmotionTrainer.Settings(epochs, args.get("batch_size").asInt(),
                args.get("learning_rate").asDouble(), true, 0, 0.15, seed);
        try (EmotionTrainer.Trained tuned = EmotionTrainer.fineTune(start, labels, mixed, validation, validation, settings, m -> {
            ctx.logMetric("train_loss", m.trainLoss(), m.epoch());
            ctx.logMetric("train_accuracy", m.trainAccuracy(), m.epoch());
            ctx.logMetric("val_accuracy", m.valAccuracy(), m.epoch());
            ctx.progress(0.9 * m.epoch() / epochs, String.format(Locale.ROOT, "Epoch %d/%d: train accuracy %.3f", m.epoch(), epochs,
                    m.trainAccuracy()));
        }, ctx::cancelled)) {
            ctx.progress(0.92, "Exporting the personal model to ONNX");
            Path onnx = ctx.tempDir().resolve("model.onnx");
            tuned.writeOnnx(onnx);
            ObjectNode parameters = parent.config().parameters().deepCopy();
            ModelInfo version = ctx.registerModel(modelName, EmotionCnnPlugin.TASK, EmotionCnnPlugin.ARCHITECTURE, parameters,
                    Map.of("weights", onnx), Map.of(USER_TAG, user, PARENT_TAG, Integer.toString(parent.version())));
            if (userHeldOut != null) {
                try (var model = ctx.loadClassifier(version)) {
                    metrics.put("user_accuracy_after", userHeldOut.accuracy(model));
                }
            }
            metrics.forEach((k, v) -> ctx.logMetric(k, v, epochs));
            ctx.progress(1, "Registered personal version " + version.version() + " of " + modelName + " for " + user
                    + (metrics.containsKey("user_accuracy_after") ? String.format(Locale.ROOT, " (accuracy on the user's test frames %.3f -> %.3f)",
                    metrics.get("user_accuracy_before"), metrics.get("user_accuracy_after")) : ""));
            return new TrainingResult(ctx.runId(), version.name(), version.version(), metrics);
        }
    }

    /** Replayed examples and where they came from ({@code faces@2}, or why there are none). */
    private record Replay(Examples examples, String source) {
    }

    /**
     * A random sample of the parent's training data, sized so it makes up {@code fraction} of the mix; none when the
     * fraction is 0 or the data is gone (deleted dataset, a version registered without one).
     */
    private static Replay replay(TrainingContext ctx, ModelInfo parent, List<String> labels, ImagePreprocessing pp,
                                 int userCount, double fraction, long seed) throws IOException {
        Examples none = new Examples(new float[0][], new int[0]);
        if (fraction <= 0) {
            return new Replay(none, "none (replay_fraction 0)");
        }
        String ref = ctx.runParams(parent.runId()).get("dataset.train");
        Optional<Path> dir = ref == null ? Optional.empty() : ctx.datasetVersion(ref);
        if (dir.isEmpty()) {
            return new Replay(none, ref == null ? "none (the parent's training data is unknown)" : "none (" + ref + " no longer exists)");
        }
        ImageFolderDataset data = ImageFolderDataset.load(dir.get(), pp);
        Examples all = remap(data.train(), data.labels(), labels, false);
        int wanted = (int) Math.min(all.size(), Math.round(userCount * fraction / (1 - fraction)));
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            rows.add(i);
        }
        java.util.Collections.shuffle(rows, new Random(seed));
        return new Replay(all.select(rows.subList(0, wanted)), ref);
    }

    /**
     * Re-indexes targets from the dataset's labels to the model's; a dataset label the model does not know is a 400
     * for the user's frames ({@code strict}) and is skipped for replayed data.
     */
    static Examples remap(Examples examples, List<String> from, List<String> to, boolean strict) {
        int[] map = new int[from.size()];
        for (int k = 0; k < from.size(); k++) {
            map[k] = to.indexOf(from.get(k));
            if (map[k] < 0 && strict) {
                throw ClientErrorException.invalid("The calibration frames have the label '" + from.get(k)
                        + "', which the model does not know; its labels are " + to);
            }
        }
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            if (map[examples.targets()[i]] >= 0) {
                kept.add(i);
            }
        }
        Examples selected = examples.select(kept);
        int[] targets = new int[selected.size()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = map[selected.targets()[i]];
        }
        return new Examples(selected.features(), targets);
    }

    private static Examples concat(Examples a, Examples b) {
        float[][] x = new float[a.size() + b.size()][];
        int[] y = new int[x.length];
        System.arraycopy(a.features(), 0, x, 0, a.size());
        System.arraycopy(b.features(), 0, x, a.size(), b.size());
        System.arraycopy(a.targets(), 0, y, 0, a.size());
        System.arraycopy(b.targets(), 0, y, a.size(), b.size());
        return new Examples(x, y);
    }
}
