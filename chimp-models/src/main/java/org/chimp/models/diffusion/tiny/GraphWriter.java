package org.chimp.models.diffusion.tiny;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;

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
        graph.addInput(valueInfo(name, type, dims));
        return this;
    }

    GraphWriter output(String name, Object... dims) {
        graph.addOutput(valueInfo(name, OnnxMl.TensorProto.DataType.FLOAT, dims));
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
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return initializer(name, OnnxMl.TensorProto.DataType.FLOAT, raw, dims);
    }

    String longs(String name, long... values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return initializer(name, OnnxMl.TensorProto.DataType.INT64, raw, values.length);
    }

    private String initializer(String name, OnnxMl.TensorProto.DataType type, ByteBuffer raw, long... dims) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
                .setRawData(ByteString.copyFrom(raw.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    /** Adds a node named after its output; returns the output's name. */
    String node(String op, List<String> inputs, String output, OnnxMl.AttributeProto... attributes) {
        graph.addNode(OnnxMl.NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs).addOutput(output)
                .addAllAttribute(List.of(attributes)));
        return output;
    }

    static OnnxMl.AttributeProto ints(String name, long... values) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static OnnxMl.AttributeProto integer(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT).setI(value).build();
    }

    byte[] model() {
        return OnnxMl.ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("chimp-tiny-diffusion").setGraph(graph)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)).build().toByteArray();
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, OnnxMl.TensorProto.DataType type, Object... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (Object d : dims) {
            OnnxMl.TensorShapeProto.Dimension.Builder dim = OnnxMl.TensorShapeProto.Dimension.newBuilder();
            shape.addDim(d instanceof String s ? dim.setDimParam(s) : dim.setDimValue(((Number) d).longValue()));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))).build();
    }
}
