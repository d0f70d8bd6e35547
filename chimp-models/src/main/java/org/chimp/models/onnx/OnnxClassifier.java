package org.chimp.models.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.chimp.api.Model;
import org.chimp.api.RunContext;
import org.chimp.api.classification.Classification;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.Image;
import org.chimp.api.image.ImagePreprocessing;
import org.chimp.api.tensor.HasTensorSignature;
import org.chimp.api.tensor.PreprocessedInput;
import org.chimp.api.tensor.Tensor;
import org.chimp.api.tensor.TensorSignature;
import org.chimp.api.tensor.TensorSpec;

/**
 * An image classifier running in ONNX Runtime. A batch becomes one {@code [N, ...]} tensor (or chunks of the
 * model's fixed batch size). Thread-safe: concurrent runs each take a session of a bounded {@link SessionPool}; the
 * caller must not call {@link #close()} while runs are in flight (serving's deployments count their users for that).
 */
public final class OnnxClassifier implements Model<Image, Classification>, HasTensorSignature,
        PreprocessedInput<Classification> {
    private final SessionPool sessions;
    private final String inputName;
    private final String outputName;
    private final InputLayout layout;
    private final long fixedBatch;
    private final ImagePreprocessing preprocessing;
    private final List<String> labels;
    private final boolean softmax;
    private final TensorSignature signature;

    private OnnxClassifier(SessionPool sessions, String inputName, String outputName, InputLayout layout, long fixedBatch,
                           ImagePreprocessing preprocessing, List<String> labels, boolean softmax, TensorSignature signature) {
        this.sessions = sessions;
        this.inputName = inputName;
        this.outputName = outputName;
        this.layout = layout;
        this.fixedBatch = fixedBatch;
        this.preprocessing = preprocessing;
        this.labels = List.copyOf(labels);
        this.softmax = softmax;
        this.signature = signature;
    }

    /**
     * Opens a model and checks it against the config: the input shape must fit the preprocessing, the output
     * must have one value per label. Any disagreement is a 400 naming the numbers, and the session is closed.
     *
     * @param inputName  the input to feed, or null for the model's only input
     * @param outputName the output to read, or null for its first output
     */
    public static OnnxClassifier open(java.nio.file.Path file, List<String> labels, ImagePreprocessing preprocessing,
                                      String inputName, String outputName, boolean softmax) {
        return OnnxSessions.openAndFit(file, "The ONNX model", session -> {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            String in = pick("input", "input_name", inputName, inputs, true);
            String out = pick("output", "output_name", outputName, outputs, false);
            long[] inShape = floatTensor("input", in, inputs.get(in)).getShape();
            long[] outShape = floatTensor("output", out, outputs.get(out)).getShape();
            InputLayout layout = InputLayout.of(in, inShape, preprocessing);
            checkOutput(out, outShape, labels.size());
            OnnxClassifier model = new OnnxClassifier(new SessionPool(session, file, SessionPool.configuredSize()), in, out, layout, inShape[0], preprocessing, labels, softmax,
                    new TensorSignature(specs(inputs), specs(outputs), out));
            model.checkRuns();
            return model;
        });
    }

    @Override
    public Classification run(Image input, RunContext ctx) {
        return runBatch(List.of(input), ctx).get(0);
    }

    @Override
    public List<Classification> runBatch(List<Image> inputs, RunContext ctx) {
        int f = preprocessing.featureCount();
        float[] features = new float[inputs.size() * f];
        for (int i = 0; i < inputs.size(); i++) {
            System.arraycopy(preprocessing.apply(inputs.get(i)), 0, features, i * f, f);
        }
        List<Classification> out = new ArrayList<>(inputs.size());
        for (float[] row : runFeatures(features, inputs.size())) {
            out.add(new Classification(labels, row));
        }
        return out;
    }

    /**
     * Runs preprocessed feature vectors ({@code count} rows of {@link ImagePreprocessing#featureCount()} values,
     * HWC order) and returns one row of label scores each (probabilities when the model or {@code softmax} makes
     * them so).
     */
    public float[][] runFeatures(float[] features, int count) {
        int f = preprocessing.featureCount();
        if (count < 1 || features.length != count * f) {
            throw ClientErrorException.invalid("Expected " + count + " feature vectors of " + f + " values ("
                    + count * f + " in all), got " + features.length + " values");
        }
        int chunk = fixedBatch > 0 ? (int) fixedBatch : count;
        float[][] out = new float[count][];
        for (int start = 0; start < count; start += chunk) {
            int n = Math.min(chunk, count - start);
            // A model exported with a fixed batch size gets zero padding to that size; the padding rows are dropped.
            float[] part = Arrays.copyOfRange(features, start * f, (start + chunk) * f);
            float[][] rows = runTensor(part, chunk);
            System.arraycopy(rows, 0, out, start, n);
        }
        return out;
    }

    /** The model's inputs and outputs; the task's output is the one read as label scores. */
    @Override
    public TensorSignature signature() {
        return signature;
    }

    @Override
    public String platform() {
        return "onnxruntime_onnx";
    }

    /** {@code [N, F]} FP32 tensors are feature vectors, already preprocessed. */
    @Override
    public boolean acceptsPreprocessed(Tensor tensor) {
        return tensor.rank() == 2 && tensor.datatype().equals("FP32");
    }

    @Override
    public List<Classification> runPreprocessed(Tensor tensor, RunContext ctx) {
        List<Classification> out = new ArrayList<>(tensor.batch());
        for (float[] row : runFeatures(tensor.floats(), tensor.batch())) {
            out.add(new Classification(labels, row));
        }
        return out;
    }

    /** ONNX sessions opened so far (at most the pool's bound). */
    int sessionsOpened() {
        return sessions.opened();
    }

    /** The labels, in output order. */
    public List<String> labels() {
        return labels;
    }

    /** The preprocessing images get before they reach the model. */
    public ImagePreprocessing preprocessing() {
        return preprocessing;
    }

    /** The input fed with the images. */
    public String inputName() {
        return inputName;
    }

    /** The output read as label scores. */
    public String outputName() {
        return outputName;
    }

    @Override
    public void close() {
        sessions.close();
    }

    private float[][] runTensor(float[] hwc, int n) {
        float[] data = layout.arrange(hwc, n, preprocessing);
        return sessions.with(worker -> runTensor(worker, data, n));
    }

    private float[][] runTensor(SessionPool.Worker worker, float[] data, int n) {
        try (OnnxTensor tensor = worker.tensor(data, layout.shape(n, preprocessing));
             OrtSession.Result result = worker.session.run(Map.of(inputName, tensor), Set.of(outputName))) {
            OnnxValue value = result.get(outputName).orElseThrow();
            FloatBuffer buf = ((OnnxTensor) value).getFloatBuffer();
            int k = labels.size();
            if (buf.remaining() != n * k) {
                throw new IllegalStateException("ONNX output '" + outputName + "' has " + buf.remaining() + " values for "
                        + n + " inputs, expected " + n + " x " + k + " labels");
            }
            float[][] rows = new float[n][k];
            for (float[] row : rows) {
                buf.get(row);
                if (softmax) {
                    softmaxInPlace(row);
                }
            }
            return rows;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run the model: " + e.getMessage(), e);
        }
    }

    /** One run on zeros, so a model whose output size only shows at run time fails when loaded, not when used. */
    private void checkRuns() {
        try {
            runFeatures(new float[preprocessing.featureCount()], 1);
        } catch (IllegalStateException e) {
            // CHIMP's own findings (output sizes) are shown; ONNX Runtime's messages are internals, kept for the log.
            String why = e.getCause() instanceof OrtException ort
                    ? "ONNX Runtime could not run it on one input of the configured preprocessing size (" + ort.getCode() + ")"
                    : e.getMessage();
            throw ClientErrorException.invalid("The ONNX model does not fit the config: " + why, e);
        }
    }

    static void softmaxInPlace(float[] row) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < row.length; i++) {
            row[i] = (float) Math.exp(row[i] - max);
            sum += row[i];
        }
        for (int i = 0; i < row.length; i++) {
            row[i] = (float) (row[i] / sum);
        }
    }

    private static String pick(String kind, String param, String requested, Map<String, NodeInfo> available, boolean onlyOne) {
        if (requested != null) {
            if (!available.containsKey(requested)) {
                throw ClientErrorException.invalid("'" + param + "' is '" + requested + "' but the ONNX model's " + kind
                        + "s are " + available.keySet());
            }
            return requested;
        }
        if (available.isEmpty() || (onlyOne && available.size() > 1)) {
            throw ClientErrorException.invalid("The ONNX model has " + kind + "s " + available.keySet()
                    + "; set '" + param + "' in the model config to choose one");
        }
        return available.keySet().iterator().next();
    }

    private static TensorInfo floatTensor(String kind, String name, NodeInfo node) {
        if (!(node.getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT) {
            throw ClientErrorException.invalid("ONNX " + kind + " '" + name + "' is " + node.getInfo()
                    + "; the onnx-classifier needs a float32 tensor");
        }
        return t;
    }

    private static void checkOutput(String name, long[] shape, int labelCount) {
        if (shape.length != 2 || (shape[1] >= 0 && shape[1] != labelCount)) {
            throw ClientErrorException.invalid("ONNX output '" + name + "' has shape " + Arrays.toString(shape)
                    + " but the config has " + labelCount + " labels; the output must be [N, " + labelCount
                    + "], one score per label, so fix 'labels' or choose another 'output_name'");
        }
    }

    private static List<TensorSpec> specs(Map<String, NodeInfo> nodes) {
        List<TensorSpec> out = new ArrayList<>();
        nodes.forEach((name, node) -> {
            if (node.getInfo() instanceof TensorInfo t) {
                out.add(new TensorSpec(name, dtype(t), Arrays.stream(t.getShape()).boxed().toList()));
            } else {
                out.add(new TensorSpec(name, node.getInfo().toString(), List.of()));
            }
        });
        return out;
    }

    private static String dtype(TensorInfo t) {
        return switch (t.type) {
            case FLOAT -> "float32";
            case DOUBLE -> "float64";
            case INT8 -> "int8";
            case UINT8 -> "uint8";
            case INT16 -> "int16";
            case INT32 -> "int32";
            case INT64 -> "int64";
            case BOOL -> "bool";
            case STRING -> "string";
            default -> t.type.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
