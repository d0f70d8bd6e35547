package org.chimp.models.embedding;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.Image;
import org.chimp.models.onnx.OnnxSessions;

/**
 * An image tower in ONNX Runtime: one float input {@code [N, 3, H, W]} with a fixed H and W (CLIP's
 * {@code pixel_values}), one {@code [N, D]} output read as the images' vectors. Thread-safe.
 */
final class OnnxImageEncoder implements AutoCloseable {
    /** Images per ONNX Runtime call (16 x 3 x 224 x 224 floats = 9.6 MB). */
    static final int CHUNK = 16;
    private final OrtSession session;
    private final String input;
    private final String output;
    private final ClipImages preprocessing;

    private OnnxImageEncoder(OrtSession session, String input, String output, ClipImages preprocessing) {
        this.session = session;
        this.input = input;
        this.output = output;
        this.preprocessing = preprocessing;
    }

    /**
     * @param outputName the output to read, or null for {@code image_embeds} if there is one, else the first output
     */
    static OnnxImageEncoder open(Path weights, String outputName, float[] mean, float[] std) {
        return OnnxSessions.openAndFit(weights, "The image encoder", session -> {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            if (inputs.size() != 1 || !(inputs.values().iterator().next().getInfo() instanceof TensorInfo in)
                    || in.type != OnnxJavaType.FLOAT || in.getShape().length != 4 || in.getShape()[1] != 3
                    || in.getShape()[2] <= 0 || in.getShape()[3] <= 0) {
                throw ClientErrorException.invalid("The image encoder's inputs are " + describe(inputs)
                        + "; it needs exactly one float input [N, 3, H, W] with a fixed H and W");
            }
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            String out = outputName != null ? outputName
                    : outputs.containsKey("image_embeds") ? "image_embeds" : outputs.keySet().iterator().next();
            if (!(outputs.get(out) != null && outputs.get(out).getInfo() instanceof TensorInfo o
                    && o.type == OnnxJavaType.FLOAT && o.getShape().length == 2)) {
                throw ClientErrorException.invalid("The image encoder's output '" + out + "' must be a float [N, D] tensor; its outputs are "
                        + describe(outputs) + " (choose one with 'image_output')");
            }
            String name = inputs.keySet().iterator().next();
            return new OnnxImageEncoder(session, name, out,
                    new ClipImages((int) in.getShape()[3], (int) in.getShape()[2], mean, std));
        });
    }

    /** One vector per image, in order. */
    List<float[]> embed(List<Image> images, boolean normalize) {
        List<float[]> out = new ArrayList<>(images.size());
        int size = preprocessing.size();
        for (int start = 0; start < images.size(); start += CHUNK) {
            int n = Math.min(CHUNK, images.size() - start);
            float[] pixels = new float[n * size];
            for (int i = 0; i < n; i++) {
                preprocessing.apply(images.get(start + i), pixels, i * size);
            }
            long[] shape = {n, 3, preprocessing.height(), preprocessing.width()};
            try (OnnxTensor t = OnnxTensor.createTensor(OnnxSessions.environment(), FloatBuffer.wrap(pixels), shape);
                 OrtSession.Result r = session.run(Map.of(input, t), Set.of(output))) {
                out.addAll(Vectors.rows((OnnxTensor) r.get(output).orElseThrow(), n, normalize));
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed to run the image encoder: " + e.getMessage(), e);
            }
        }
        return out;
    }

    @Override
    public void close() {
        OnnxSessions.close(session);
    }

    private static String describe(Map<String, NodeInfo> nodes) {
        List<String> out = new ArrayList<>();
        nodes.forEach((name, node) -> out.add(name + " " + (node.getInfo() instanceof TensorInfo t
                ? t.type.name().toLowerCase(java.util.Locale.ROOT) + Arrays.toString(t.getShape()) : node.getInfo().toString())));
        return out.toString();
    }
}
