package org.chimp.emotion.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.chimp.emotion.cnn.EmotionNet;
import org.chimp.emotion.cnn.Layer;

/**
 * Writes a trained {@link EmotionNet} as an ONNX model, layer by layer from its DJL block's parameters: Conv,
 * BatchNormalization (inference form, with the running statistics), Relu, MaxPool, Flatten, Gemm, and a final
 * Softmax; dropout is left out (the identity at inference). One float input {@code input} [N, C, H, W], one float
 * output {@code probabilities} [N, labels]: the contract of the {@code onnx-classifier} architecture.
 */
public final class CnnOnnxExport {
    /** The input tensor's name. */
    public static final String INPUT = "input";
    /** The output tensor's name. */
    public static final String OUTPUT = "probabilities";
    /** Opset 13: every operator used here has had its current meaning since then; ONNX Runtime reads it. */
    static final long OPSET = 13;
    static final long IR_VERSION = 8;

    private CnnOnnxExport() {
    }

    /**
     * Writes the model; {@code block} is the trained block {@link EmotionNet#block()} built (one child per layer).
     * {@code labels} and {@code metadata} are kept as ONNX metadata properties for whoever inspects the file.
     */
    public static void write(EmotionNet net, Block block, List<String> labels, Map<String, String> metadata, Path file)
            throws IOException {
        Files.write(file, model(net, block, labels, metadata).toByteArray());
    }

    /** The ONNX model proto. */
    public static OnnxMl.ModelProto model(EmotionNet net, Block block, List<String> labels, Map<String, String> metadata) {
        if (labels.size() != net.labels()) {
            throw new IllegalArgumentException(labels.size() + " labels for a network with " + net.labels() + " outputs");
        }
        List<Block> children = block.getChildren().values();
        if (children.size() != net.layers().size()) {
            throw new IllegalArgumentException("The block has " + children.size() + " children for " + net.layers().size() + " layers");
        }
        OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName("chimp-emotion-cnn");
        graph.addInput(valueInfo(INPUT, net.channels(), net.height(), net.width()));
        graph.addOutput(valueInfo(OUTPUT, net.labels()));
        String x = INPUT;
        for (int i = 0; i < children.size(); i++) {
            x = layer(graph, "l" + i, net.layers().get(i), children.get(i), x);
        }
        graph.addNode(node("Softmax", "softmax", List.of(x), OUTPUT).addAttribute(intAttr("axis", 1)));

        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setGraph(graph)
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("chimp")
                .setDomain("org.chimp.emotion-cnn")
                .setModelVersion(1)
                .setDocString("Emotion CNN over preprocessed grayscale faces; outputs label probabilities");
        model.addMetadataProps(prop("labels", String.join(",", labels)));
        metadata.forEach((k, v) -> model.addMetadataProps(prop(k, v)));
        return model.build();
    }

    /** Adds the nodes (and initializers) of one layer reading {@code x}; returns the name of its output. */
    private static String layer(OnnxMl.GraphProto.Builder graph, String name, Layer layer, Block block, String x) {
        if (layer instanceof Layer.Conv c) {
            String w = initializer(graph, name + "_weight", param(block, "weight"));
            String b = initializer(graph, name + "_bias", param(block, "bias"));
            int p = c.padding();
            graph.addNode(node("Conv", name, List.of(x, w, b), name).addAllAttribute(List.of(
                    intsAttr("kernel_shape", c.kernel(), c.kernel()), intsAttr("pads", p, p, p, p), intsAttr("strides", 1, 1))));
        } else if (layer instanceof Layer.BatchNormalization bn) {
            List<String> in = List.of(x, initializer(graph, name + "_gamma", param(block, "gamma")),
                    initializer(graph, name + "_beta", param(block, "beta")),
                    initializer(graph, name + "_mean", param(block, "runningMean")),
                    initializer(graph, name + "_var", param(block, "runningVar")));
            graph.addNode(node("BatchNormalization", name, in, name).addAttribute(OnnxMl.AttributeProto.newBuilder()
                    .setName("epsilon").setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(bn.epsilon())));
        } else if (layer instanceof Layer.Relu) {
            graph.addNode(node("Relu", name, List.of(x), name));
        } else if (layer instanceof Layer.MaxPool m) {
            graph.addNode(node("MaxPool", name, List.of(x), name).addAllAttribute(List.of(
                    intsAttr("kernel_shape", m.size(), m.size()), intsAttr("strides", m.size(), m.size()))));
        } else if (layer instanceof Layer.Dropout) {
            return x;
        } else if (layer instanceof Layer.Flatten) {
            graph.addNode(node("Flatten", name, List.of(x), name).addAttribute(intAttr("axis", 1)));
        } else if (layer instanceof Layer.Dense) {
            String w = initializer(graph, name + "_weight", param(block, "weight"));
            String b = initializer(graph, name + "_bias", param(block, "bias"));
            // DJL keeps a dense weight as [out, in]: Gemm with transB computes x W^T + b.
            graph.addNode(node("Gemm", name, List.of(x, w, b), name).addAttribute(intAttr("transB", 1)));
        } else {
            throw new IllegalArgumentException("No ONNX export for layer " + layer);
        }
        return name;
    }

    private static NDArray param(Block block, String key) {
        Parameter p = block.getParameters().get(key);
        if (p == null || !p.isInitialized()) {
            throw new IllegalArgumentException("The block " + block + " has no trained parameter '" + key + "'");
        }
        return p.getArray();
    }

    private static String initializer(OnnxMl.GraphProto.Builder graph, String name, NDArray array) {
        float[] values = array.toFloatArray();
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .setRawData(ByteString.copyFrom(raw.array()));
        Arrays.stream(array.getShape().getShape()).forEach(t::addDims);
        graph.addInitializer(t);
        return name;
    }

    private static OnnxMl.NodeProto.Builder node(String op, String name, List<String> inputs, String output) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output);
    }

    private static OnnxMl.AttributeProto intAttr(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static OnnxMl.AttributeProto intsAttr(String name, long... values) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INTS);
        Arrays.stream(values).forEach(a::addInts);
        return a.build();
    }

    /** A float tensor of shape [N, dims...], N symbolic so any batch size runs. */
    private static OnnxMl.ValueInfoProto valueInfo(String name, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (long d : dims) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setShape(shape))).build();
    }

    private static OnnxMl.StringStringEntryProto prop(String key, String value) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
