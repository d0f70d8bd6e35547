package org.chimp.models.onnx;

import ai.onnx.proto.OnnxMl;
import java.util.List;
import java.util.Map;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;

/**
 * Builds tiny fixed-weight ONNX classifiers in memory, so tests know the right answer and no binary model files
 * are committed: {@code scores = input . W^T + b}, optionally followed by softmax.
 */
public final class TinyOnnx {
    private TinyOnnx() {
    }

    /**
     * A classifier over flat feature vectors.
     *
     * @param weights   K rows of F weights
     * @param bias      K values
     * @param softmax   end with a softmax (probabilities) or emit the raw scores (logits)
     * @param batchSize 0 for a dynamic batch dimension, else a fixed one
     */
    public static byte[] flat(float[][] weights, float[] bias, boolean softmax, int batchSize) {
        OnnxMl.GraphProto.Builder g = graph(weights, bias, softmax).toBuilder();
        if (batchSize > 0) {
            OnnxMl.ValueInfoProto in = g.getInput(0);
            g.setInput(0, valueInfo(in.getName(), batchSize, weights[0].length));
        }
        return model(g.build());
    }

    /** A classifier over {@code [N, C, H, W]} images: Flatten, then the same Gemm (weights in CHW order). */
    public static byte[] nchw(int c, int h, int w, float[][] weights, float[] bias, boolean softmax) {
        OnnxMl.GraphProto.Builder g = graph(weights, bias, softmax).toBuilder();
        String flatName = g.getInput(0).getName();
        g.setInput(0, valueInfo("image", -1, c, h, w));
        g.addNode(0, OnnxMl.NodeProto.newBuilder().setOpType("Flatten").setName("flatten").addInput("image").addOutput(flatName)
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axis").setType(OnnxMl.AttributeProto.AttributeType.INT).setI(1)));
        return model(g.build());
    }

    private static OnnxMl.GraphProto graph(float[][] weights, float[] bias, boolean softmax) {
        int k = weights.length;
        int f = weights[0].length;
        ONNXContext ctx = new ONNXContext();
        ctx.setName("tiny-classifier");
        ONNXPlaceholder input = ctx.floatInput("features", f);
        ONNXPlaceholder output = ctx.floatOutput(softmax ? "probabilities" : "logits", k);
        ONNXInitializer w = ctx.floatTensor("W", List.of(k, f), buf -> {
            for (float[] row : weights) {
                buf.put(row);
            }
        });
        ONNXInitializer b = ctx.array("B", bias);
        ONNXNode scores = ctx.operation(ONNXOperators.GEMM, List.of(input, w, b), "scores", Map.of("transB", 1));
        (softmax ? scores.apply(ONNXOperators.SOFTMAX, Map.of("axis", 1)) : scores).assignTo(output);
        return ctx.buildGraph();
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                OnnxMl.TypeProto.Tensor.newBuilder().setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setShape(shape))).build();
    }

    private static byte[] model(OnnxMl.GraphProto graph) {
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("chimp-test").setGraph(graph)
                .addOpsetImport(ONNXOperators.getOpsetProto()).build().toByteArray();
    }

    /** One-hot-ish weights: row k has {@code value} at the given feature indices. */
    public static float[][] weights(int features, float value, int[]... indicesPerClass) {
        float[][] w = new float[indicesPerClass.length][features];
        for (int k = 0; k < indicesPerClass.length; k++) {
            for (int i : indicesPerClass[k]) {
                w[k][i] = value;
            }
        }
        return w;
    }
}
