package org.chimp.models.embedding.tiny;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
        g.addInput(value("input_ids", TensorProto.DataType.INT64, "batch", "seq"));
        g.addInput(value("attention_mask", TensorProto.DataType.INT64, "batch", "seq"));
        g.addOutput(value("last_hidden_state", TensorProto.DataType.FLOAT, "batch", "seq", dim));
        g.addOutput(value("text_embeds", TensorProto.DataType.FLOAT, "batch", dim));
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
        g.addInput(value("pixel_values", TensorProto.DataType.FLOAT, "batch", 3, size, size));
        g.addOutput(value("image_embeds", TensorProto.DataType.FLOAT, "batch", 3));
        AttributeProto.Builder axes = AttributeProto.newBuilder().setName("axes").setType(AttributeProto.AttributeType.INTS).addInts(2).addInts(3);
        g.addNode(node("ReduceMean", List.of("pixel_values"), "image_embeds").addAttribute(axes).addAttribute(intAttr("keepdims", 0)));
        return model(g);
    }

    private static byte[] model(OnnxMl.GraphProto.Builder g) {
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("chimp-test").setGraph(g)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)).build().toByteArray();
    }

    private static NodeProto.Builder node(String op, List<String> inputs, String output) {
        return NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs).addOutput(output);
    }

    private static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static TensorProto floats(String name, float[] v, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber())
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static TensorProto longs(String name, long... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long l : v) {
            b.putLong(l);
        }
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64.getNumber()).addDims(v.length)
                .setRawData(ByteString.copyFrom(b.array())).build();
    }

    private static OnnxMl.ValueInfoProto value(String name, TensorProto.DataType type, Object... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            shape.addDim(d instanceof String s ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(s)
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))).build();
    }
}
