package org.chimp.emotion.onnx;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chimp.api.error.ClientErrorException;
import org.chimp.emotion.cnn.EmotionNet;

/**
 * Reads back what {@link CnnOnnxExport} wrote, to fine-tune a registered version: the network's shape from the
 * graph's input and output, and every layer's parameters from the initializers named {@code l<i>_<kind>}. Only
 * files of the emotion CNN (domain {@code org.chimp.emotion-cnn}) are accepted; nothing in the file is executed.
 *
 * @param weights initializer name to values
 */
public record CnnOnnxImport(EmotionNet net, Map<String, float[]> weights) {
    /** The largest model file read (the standard net is about 5 MB). */
    static final long MAX_BYTES = 256L << 20;
    private static final Map<String, String> SUFFIX = Map.of("weight", "weight", "bias", "bias", "gamma", "gamma",
            "beta", "beta", "runningMean", "mean", "runningVar", "var");

    /** Parses a model file; a 409 if it is not an emotion CNN this exporter wrote. */
    public static CnnOnnxImport read(Path file) throws IOException {
        if (Files.size(file) > MAX_BYTES) {
            throw notOurs("it is larger than " + (MAX_BYTES >> 20) + " MB");
        }
        OnnxMl.ModelProto model;
        try (InputStream in = Files.newInputStream(file)) {
            model = OnnxMl.ModelProto.parseFrom(in);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw notOurs("it is not a readable ONNX file");
        }
        if (!"org.chimp.emotion-cnn".equals(model.getDomain())) {
            throw notOurs("it was not trained by the emotion-cnn plugin");
        }
        OnnxMl.GraphProto g = model.getGraph();
        List<Long> in = dims(g.getInput(0));
        List<Long> out = dims(g.getOutput(0));
        EmotionNet net = EmotionNet.standard(in.get(1).intValue(), in.get(2).intValue(), in.get(3).intValue(), out.get(1).intValue());
        Map<String, float[]> weights = new LinkedHashMap<>();
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            FloatBuffer fb = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            float[] values = new float[fb.remaining()];
            fb.get(values);
            weights.put(t.getName(), values);
        }
        return new CnnOnnxImport(net, weights);
    }

    /** Sets the parameters of an initialized block built by {@link EmotionNet#block()} of the same network. */
    public void applyTo(Block block) {
        List<Block> children = new ArrayList<>(block.getChildren().values());
        for (int i = 0; i < children.size(); i++) {
            for (Pair<String, Parameter> p : children.get(i).getParameters()) {
                String name = "l" + i + "_" + SUFFIX.get(p.getKey());
                float[] values = weights.get(name);
                if (values == null || values.length != p.getValue().getArray().size()) {
                    throw notOurs("its layer " + i + " does not match the network (" + name + ")");
                }
                p.getValue().getArray().set(FloatBuffer.wrap(values));
            }
        }
    }

    private static List<Long> dims(OnnxMl.ValueInfoProto v) {
        return v.getType().getTensorType().getShape().getDimList().stream().map(OnnxMl.TensorShapeProto.Dimension::getDimValue).toList();
    }

    private static ClientErrorException notOurs(String why) {
        return ClientErrorException.conflict("The model cannot be fine-tuned: " + why);
    }
}
