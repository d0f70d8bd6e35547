package org.chimp.bench.serving;

import ai.onnx.proto.OnnxMl;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;

/**
 * An emotion-sized classifier generated for the benchmark: 48x48 gray features in, 7 probabilities out
 * ({@code softmax(x . W^T + b)}, fixed random weights), so the bench ships no model file and measures serving, not
 * a particular network.
 */
final class EmotionOnnx {
    static final int SIDE = 48;
    static final int FEATURES = SIDE * SIDE;
    static final List<String> LABELS = List.of("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral");

    private EmotionOnnx() {
    }

    static byte[] model() {
        Random random = new Random(42);
        ONNXContext ctx = new ONNXContext();
        ctx.setName("emotion-bench");
        ONNXPlaceholder input = ctx.floatInput("features", FEATURES);
        ONNXPlaceholder output = ctx.floatOutput("probabilities", LABELS.size());
        ONNXInitializer w = ctx.floatTensor("W", List.of(LABELS.size(), FEATURES), buf -> {
            for (int i = 0; i < LABELS.size() * FEATURES; i++) {
                buf.put((float) random.nextGaussian() * 0.01f);
            }
        });
        ONNXInitializer b = ctx.array("B", new float[LABELS.size()]);
        ONNXNode scores = ctx.operation(ONNXOperators.GEMM, List.of(input, w, b), "scores", Map.of("transB", 1));
        scores.apply(ONNXOperators.SOFTMAX, Map.of("axis", 1)).assignTo(output);
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("chimp-bench").setGraph(ctx.buildGraph())
                .addOpsetImport(ONNXOperators.getOpsetProto()).build().toByteArray();
    }
}
