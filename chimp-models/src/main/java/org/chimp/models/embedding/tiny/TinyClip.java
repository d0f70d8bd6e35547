package org.chimp.models.embedding.tiny;

import static org.chimp.models.graph.OnnxProtos.floats;
import static org.chimp.models.graph.OnnxProtos.intAttr;
import static org.chimp.models.graph.OnnxProtos.intsAttr;
import static org.chimp.models.graph.OnnxProtos.longs;
import static org.chimp.models.graph.OnnxProtos.valueInfo;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.List;

/**
 * Tiny CLIP-style towers with known weights, so tests know the right vectors. The text encoder averages token
 * embeddings over the attention mask ({@code text_embeds}, after a per-token {@code last_hidden_state} output, as
 * real exports list it first); the image encoder averages each channel ({@code image_embeds} = mean R, G, B of the
 * normalized pixels).
 */
public final class TinyClip {
    private static final long OPSET = 17;

    private TinyClip() {
    }

    /** A text encoder over {@code table} ([vocab][dim] token vectors). */
    public static byte[] textEncoder(float[][] table) {
        int vocab = table.length;
        int dim = table[0].length;
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("tiny-clip-text");
        g.addInput(valueInfo("input_ids", TensorProto.DataType.INT64, "batch", "seq"));
        g.addInput(valueInfo("attention_mask", TensorProto.DataType.INT64, "batch", "seq"));
        g.addOutput(valueInfo("last_hidden_state", TensorProto.DataType.FLOAT, "batch", "seq", dim));
        g.addOutput(valueInfo("text_embeds", TensorProto.DataType.FLOAT, "batch", dim));
        float[] flat = new float[vocab * dim];
        for (int v = 0; v < vocab; v++) {
            System.arraycopy(table[v], 0, flat, v * dim, dim);
        }
        g.addInitializer(floats("table", flat, vocab, dim));
        g.addInitializer(longs("axis1", 1));
        g.addInitializer(longs("axis2", 2));
        g.addNode(node("Gather", List.of("table", "input_ids"), "last_hidden_state"));
        g.addNode(node("Cast", List.of("attention_mask"), "mask").addAttribute(intAttr("to", TensorProto.DataType.FLOAT.getNumber())));
        g.addNode(node("Unsqueeze", List.of("mask", "axis2"), "mask3"));
        g.addNode(node("Mul", List.of("last_hidden_state", "mask3"), "kept"));
        g.addNode(node("ReduceSum", List.of("kept", "axis1"), "sum").addAttribute(intAttr("keepdims", 0)));
        g.addNode(node("ReduceSum", List.of("mask3", "axis1"), "count").addAttribute(intAttr("keepdims", 0)));
        g.addNode(node("Div", List.of("sum", "count"), "text_embeds"));
        return model(g);
    }

    /** An image encoder over {@code [N, 3, size, size]} pixels: the mean of each channel. */
    public static byte[] imageEncoder(int size) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("tiny-clip-image");
        g.addInput(valueInfo("pixel_values", TensorProto.DataType.FLOAT, "batch", 3, size, size));
        g.addOutput(valueInfo("image_embeds", TensorProto.DataType.FLOAT, "batch", 3));
        g.addNode(node("ReduceMean", List.of("pixel_values"), "image_embeds").addAttribute(intsAttr("axes", 2, 3))
                .addAttribute(intAttr("keepdims", 0)));
        return model(g);
    }

    private static byte[] model(OnnxMl.GraphProto.Builder g) {
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("chimp-test").setGraph(g)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)).build().toByteArray();
    }

    private static NodeProto.Builder node(String op, List<String> inputs, String output) {
        return NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs).addOutput(output);
    }
}
