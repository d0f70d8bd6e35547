package org.chimp.models.diffusion;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.chimp.api.error.ClientErrorException;
import org.chimp.models.onnx.OnnxSessions;

/**
 * One network of the pipeline (text encoder, UNet, VAE decoder): its session, the checks that it has the inputs
 * and outputs the diffusers/Optimum exports have, and runs that count themselves (so tests and metrics can see
 * that a bad request never reached ONNX Runtime).
 */
final class OnnxNet implements AutoCloseable {
    /** Real-valued tensors: float32, or float16 as Optimum's {@code --fp16} exports have them (converted here). */
    static final OnnxJavaType[] REAL = {OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16};
    private final String artifact;
    private final OrtSession session;
    private final AtomicLong runs;

    private OnnxNet(String artifact, OrtSession session, AtomicLong runs) {
        this.artifact = artifact;
        this.session = session;
        this.runs = runs;
    }

    /**
     * Opens the artifact's file, on CUDA when this ONNX Runtime has it; {@code externalWeights} is the file of its
     * external data, or null when the weights are inside the graph.
     */
    static OnnxNet open(String artifact, Path file, Path externalWeights, AtomicLong runs) {
        OrtSession session = externalWeights == null ? OnnxSessions.open(file, artifact, true)
                : ExternalWeights.open(artifact, file, externalWeights);
        return new OnnxNet(artifact, session, runs);
    }

    boolean hasInput(String name) {
        return session.getInputNames().contains(name);
    }

    /** The input's shape, checked to be of one of the ranks and element types allowed. */
    TensorInfo input(String name, int[] ranks, OnnxJavaType... types) {
        return tensor("input", name, inputs(), ranks, types);
    }

    /** A real-valued (float32 or float16) output's shape, checked to be of the given rank. */
    TensorInfo output(String name, int rank) {
        return tensor("output", name, outputs(), new int[] {rank}, REAL);
    }

    private Map<String, NodeInfo> inputs() {
        try {
            return session.getInputInfo();
        } catch (OrtException e) {
            throw ClientErrorException.invalid("The '" + artifact + "' model's inputs could not be read (" + e.getCode() + ")", e);
        }
    }

    private Map<String, NodeInfo> outputs() {
        try {
            return session.getOutputInfo();
        } catch (OrtException e) {
            throw ClientErrorException.invalid("The '" + artifact + "' model's outputs could not be read (" + e.getCode() + ")", e);
        }
    }

    private TensorInfo tensor(String kind, String name, Map<String, NodeInfo> all, int[] ranks, OnnxJavaType... types) {
        NodeInfo node = all.get(name);
        if (node == null) {
            throw ClientErrorException.invalid("The '" + artifact + "' model has no " + kind + " '" + name + "' (its " + kind + "s: "
                    + all.keySet() + "); export it as diffusers/Optimum do");
        }
        if (!(node.getInfo() instanceof TensorInfo t) || !List.of(types).contains(t.type)
                || Arrays.stream(ranks).noneMatch(r -> r == t.getShape().length)) {
            throw ClientErrorException.invalid("The '" + artifact + "' model's " + kind + " '" + name + "' is " + node.getInfo()
                    + "; expected a tensor of rank " + Arrays.toString(ranks) + " and type " + Arrays.toString(types));
        }
        return t;
    }

    /**
     * Runs and returns one real-valued output as floats (float16 widened), which must hold {@code expected} values
     * (any number if negative).
     */
    float[] run(Map<String, OnnxTensor> inputs, String output, long expected) {
        runs.incrementAndGet();
        try (OrtSession.Result result = session.run(inputs, Set.of(output))) {
            FloatBuffer buf = ((OnnxTensor) result.get(output).orElseThrow()).getFloatBuffer();
            if (expected >= 0 && buf.remaining() != expected) {
                throw new IllegalStateException("The '" + artifact + "' model's output '" + output + "' has " + buf.remaining()
                        + " values, expected " + expected);
            }
            float[] out = new float[buf.remaining()];
            buf.get(out);
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run the '" + artifact + "' model (" + e.getCode() + "): " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** A tensor of real values for the named input, as the element type it declares: float32 or float16. */
    OnnxTensor floats(String input, float[] values, long... shape) {
        if (inputType(input) == OnnxJavaType.FLOAT16) {
            ShortBuffer half = Fp16Conversions.convertFloatBufferToFp16Buffer(FloatBuffer.wrap(values));
            return create(() -> OnnxTensor.createTensor(OnnxSessions.environment(), half, shape, OnnxJavaType.FLOAT16));
        }
        return create(() -> OnnxTensor.createTensor(OnnxSessions.environment(), FloatBuffer.wrap(values), shape));
    }

    /** Whole numbers for the named input as the type it declares: int32, int64, or a float timestep (32 or 16 bits). */
    OnnxTensor numbers(String input, long[] values, long... shape) {
        return switch (inputType(input)) {
            case INT64 -> create(() -> OnnxTensor.createTensor(OnnxSessions.environment(), LongBuffer.wrap(values), shape));
            case INT32 -> create(() -> OnnxTensor.createTensor(OnnxSessions.environment(),
                    IntBuffer.wrap(Arrays.stream(values).mapToInt(Math::toIntExact).toArray()), shape));
            default -> {
                float[] f = new float[values.length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = values[i];
                }
                yield floats(input, f, shape);
            }
        };
    }

    private OnnxJavaType inputType(String input) {
        return ((TensorInfo) inputs().get(input).getInfo()).type;
    }

    private interface TensorMaker {
        OnnxTensor make() throws OrtException;
    }

    private static OnnxTensor create(TensorMaker maker) {
        try {
            return maker.make();
        } catch (OrtException e) {
            throw new IllegalStateException("Could not create an ONNX tensor: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("Could not close the '" + artifact + "' session: " + e.getMessage(), e);
        }
    }
}
