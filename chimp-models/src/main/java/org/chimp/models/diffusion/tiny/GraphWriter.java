package org.chimp.models.diffusion.tiny;

import ai.onnx.proto.OnnxMl;
import java.util.List;
import java.util.SplittableRandom;
import org.chimp.models.graph.OnnxProtos;

/** Appends inputs, outputs, weights and nodes to one ONNX graph, and writes the model (opset 13, IR 8). */
final class GraphWriter {
    private static final long OPSET = 13;
    private static final long IR_VERSION = 8;
    private final OnnxMl.GraphProto.Builder graph;
    private final SplittableRandom random;

    GraphWriter(String name, long seed) {
        this.graph = OnnxMl.GraphProto.newBuilder().setName(name);
        this.random = new SplittableRandom(seed);
    }

    /** A graph input; a dimension is a number or, as a String, a named open dimension ("batch"). */
    GraphWriter input(String name, OnnxMl.TensorProto.DataType type, Object... dims) {
        graph.addInput(OnnxProtos.valueInfo(name, type, dims));
        return this;
    }

    GraphWriter output(String name, Object... dims) {
        graph.addOutput(OnnxProtos.valueInfo(name, OnnxMl.TensorProto.DataType.FLOAT, dims));
        return this;
    }

    /** A float weight of uniform values in [center - spread, center + spread]. */
    String weight(String name, double center, double spread, long... dims) {
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        return floats(name, uniform(center, spread, Math.toIntExact(count)), dims);
    }

    /** The next {@code count} values of this graph's random stream, uniform in [center - spread, center + spread]. */
    float[] uniform(double center, double spread, int count) {
        float[] values = new float[count];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (center + spread * (2 * random.nextDouble() - 1));
        }
        return values;
    }

    String floats(String name, float[] values, long... dims) {
        graph.addInitializer(OnnxProtos.floats(name, values, dims));
        return name;
    }

    String longs(String name, long... values) {
        graph.addInitializer(OnnxProtos.longs(name, values));
        return name;
    }

    /** Adds a node named after its output; returns the output's name. */
    String node(String op, List<String> inputs, String output, OnnxMl.AttributeProto... attributes) {
        graph.addNode(OnnxMl.NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs).addOutput(output)
                .addAllAttribute(List.of(attributes)));
        return output;
    }

    byte[] model() {
        return OnnxMl.ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("chimp-tiny-diffusion").setGraph(graph)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)).build().toByteArray();
    }
}
