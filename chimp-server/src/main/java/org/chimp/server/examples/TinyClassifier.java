package org.chimp.server.examples;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;

/**
 * The example image classifier: an ONNX graph written here (no file committed, nothing downloaded) that tells dark
 * images from bright ones by their mean gray level, {@code softmax([4 - 8 mean, 8 mean - 4])} over an
 * {@value #SIDE}x{@value #SIDE} grayscale image with pixels in [0, 1]. Small, but a real classifier: its answer
 * depends on the picture.
 */
final class TinyClassifier {
    static final int SIDE = 8;
    static final List<String> LABELS = List.of("dark", "bright");

    private TinyClassifier() {
    }

    static byte[] onnx() {
        int features = SIDE * SIDE;
        ONNXContext ctx = new ONNXContext();
        ctx.setName("chimp-example-brightness");
        ONNXPlaceholder input = ctx.floatInput("features", features);
        ONNXPlaceholder output = ctx.floatOutput("probabilities", LABELS.size());
        float w = 8f / features;
        ONNXInitializer weights = ctx.floatTensor("W", List.of(LABELS.size(), features), buf -> {
            for (int i = 0; i < features; i++) {
                buf.put(-w);
            }
            for (int i = 0; i < features; i++) {
                buf.put(w);
            }
        });
        ONNXInitializer bias = ctx.array("B", new float[] {4, -4});
        ONNXNode scores = ctx.operation(ONNXOperators.GEMM, List.of(input, weights, bias), "scores", Map.of("transB", 1));
        scores.apply(ONNXOperators.SOFTMAX, Map.of("axis", 1)).assignTo(output);
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("chimp-examples").setGraph(ctx.buildGraph())
                .addOpsetImport(ONNXOperators.getOpsetProto()).build().toByteArray();
    }

    /** The {@code onnx-classifier} parameters: labels, and grayscale {@value #SIDE}x{@value #SIDE} pixels in [0, 1]. */
    static ObjectNode parameters() {
        ObjectNode p = new ObjectMapper().createObjectNode();
        LABELS.forEach(p.putArray("labels")::add);
        p.putObject("preprocessing").put("width", SIDE).put("height", SIDE).put("grayscale", true).put("mean", 0).put("std", 1);
        return p;
    }
}
