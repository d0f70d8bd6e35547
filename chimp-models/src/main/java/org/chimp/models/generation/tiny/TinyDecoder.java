package org.chimp.models.generation.tiny;

import static org.chimp.models.graph.OnnxProtos.intAttr;
import static org.chimp.models.graph.OnnxProtos.intsAttr;
import static org.chimp.models.graph.OnnxProtos.valueInfo;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.List;
import java.util.Random;
import org.chimp.models.graph.OnnxProtos;

/**
 * Builds a tiny random-weight GPT-style decoder as an ONNX graph with the signature Hugging Face Optimum exports
 * (input_ids, attention_mask, position_ids, past_key_values.N.key/value; logits, present.N.key/value): token and
 * position embeddings, then per layer causal multi-head self-attention over the cache plus the new tokens, with a
 * residual, then a linear head. Without {@code cached} the past inputs and present outputs are left out, as a
 * model exported without cache has them. The weights come from a seeded generator, so two builds with the same
 * seed are the same model.
 */
public final class TinyDecoder {
    public static final int EMBED = 16;
    public static final int HEADS = 2;
    public static final int HEAD_DIM = EMBED / HEADS;
    public static final int MAX_POSITIONS = 64;
    private static final long OPSET = 17;

    private final OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("tiny-decoder");
    private final Random random;

    private TinyDecoder(long seed) {
        this.random = new Random(seed);
    }

    /**
     * @param vocab   logits per position
     * @param layers  attention layers
     * @param cached  with KV cache inputs and outputs
     * @param bias    added to the logits (e.g. a large value on the end-of-sequence id), or null
     */
    public static byte[] build(long seed, int vocab, int layers, boolean cached, float[] bias) {
        return new TinyDecoder(seed).model(vocab, layers, cached, bias);
    }

    private byte[] model(int vocab, int layers, boolean cached, float[] bias) {
        g.addInput(valueInfo("input_ids", TensorProto.DataType.INT64, "batch", "seq"));
        g.addInput(valueInfo("attention_mask", TensorProto.DataType.INT64, "batch", "total"));
        g.addInput(valueInfo("position_ids", TensorProto.DataType.INT64, "batch", "seq"));
        for (int l = 0; l < layers && cached; l++) {
            g.addInput(valueInfo("past_key_values." + l + ".key", TensorProto.DataType.FLOAT, "batch", HEADS, "past", HEAD_DIM));
            g.addInput(valueInfo("past_key_values." + l + ".value", TensorProto.DataType.FLOAT, "batch", HEADS, "past", HEAD_DIM));
        }
        g.addOutput(valueInfo("logits", TensorProto.DataType.FLOAT, "batch", "seq", vocab));
        for (int l = 0; l < layers && cached; l++) {
            g.addOutput(valueInfo("present." + l + ".key", TensorProto.DataType.FLOAT, "batch", HEADS, "total", HEAD_DIM));
            g.addOutput(valueInfo("present." + l + ".value", TensorProto.DataType.FLOAT, "batch", HEADS, "total", HEAD_DIM));
        }
        floats("wte", 1f, vocab, EMBED);
        floats("wpe", 0.5f, MAX_POSITIONS, EMBED);
        node("Gather", List.of("wte", "input_ids"), "tok");
        node("Gather", List.of("wpe", "position_ids"), "pos");
        node("Add", List.of("tok", "pos"), "x0");
        masks();
        longs("shape_bshd", 0, 0, HEADS, HEAD_DIM);
        longs("shape_bse", 0, 0, EMBED);
        scalar("scale", (float) (1 / Math.sqrt(HEAD_DIM)));
        String x = "x0";
        for (int l = 0; l < layers; l++) {
            x = layer(l, x, cached);
        }
        // Logits a few units apart, so greedy choices are clear and not decided by rounding.
        floats("w_lm", 3f / (float) Math.sqrt(EMBED), EMBED, vocab);
        float[] b = bias != null ? bias : new float[vocab];
        tensor("b_lm", b, vocab);
        node("MatMul", List.of(x, "w_lm"), "lm");
        node("Add", List.of("lm", "b_lm"), "logits");
        return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("chimp-test").setGraph(g)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)).build().toByteArray();
    }

    /**
     * The additive masks every layer shares: -1e9 where a query may not look (a key after it: Trilu keeps key j
     * for query i when j <= i + past) and where the attention mask is 0.
     */
    private void masks() {
        longs("i0", 0);
        longs("i1", 1);
        longs("i2", 2);
        node("Shape", List.of("input_ids"), "ids_shape");
        node("Shape", List.of("attention_mask"), "mask_shape");
        node("Slice", List.of("ids_shape", "i1", "i2"), "s_len");
        node("Slice", List.of("mask_shape", "i1", "i2"), "t_len");
        node("Concat", List.of("s_len", "t_len"), "st", intAttr("axis", 0));
        g.addNode(NodeProto.newBuilder().setOpType("ConstantOfShape").addInput("st").addOutput("ones").setName("ones")
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                        .setT(OnnxProtos.floats("value", new float[] {1f}, 1))));
        node("Sub", List.of("t_len", "s_len"), "past_len1");
        node("Squeeze", List.of("past_len1", "i0"), "past_len");
        node("Trilu", List.of("ones", "past_len"), "allowed", intAttr("upper", 0));
        scalar("one", 1f);
        scalar("neg", -1e9f);
        node("Sub", List.of("one", "allowed"), "causal_blocked");
        node("Mul", List.of("causal_blocked", "neg"), "causal_add");
        g.addNode(NodeProto.newBuilder().setOpType("Cast").setName("mask_f").addInput("attention_mask").addOutput("mask_f")
                .addAttribute(intAttr("to", TensorProto.DataType.FLOAT.getNumber())));
        longs("axes12", 1, 2);
        node("Unsqueeze", List.of("mask_f", "axes12"), "mask4");
        node("Sub", List.of("one", "mask4"), "pad_blocked");
        node("Mul", List.of("pad_blocked", "neg"), "pad_add");
    }

    private String layer(int l, String x, boolean cached) {
        String p = "l" + l + "_";
        for (String w : new String[] {"wq", "wk", "wv", "wo"}) {
            floats(p + w, 0.8f / (float) Math.sqrt(EMBED), EMBED, EMBED);
        }
        for (String h : new String[] {"q", "k", "v"}) {
            node("MatMul", List.of(x, p + "w" + h), p + h + "_flat");
            node("Reshape", List.of(p + h + "_flat", "shape_bshd"), p + h + "_bshd");
            node("Transpose", List.of(p + h + "_bshd"), p + h, intsAttr("perm", 0, 2, 1, 3));
        }
        String keys = cached ? "present." + l + ".key" : p + "k";
        String values = cached ? "present." + l + ".value" : p + "v";
        if (cached) {
            node("Concat", List.of("past_key_values." + l + ".key", p + "k"), keys, intAttr("axis", 2));
            node("Concat", List.of("past_key_values." + l + ".value", p + "v"), values, intAttr("axis", 2));
        }
        node("Transpose", List.of(keys), p + "kt", intsAttr("perm", 0, 1, 3, 2));
        node("MatMul", List.of(p + "q", p + "kt"), p + "scores");
        node("Mul", List.of(p + "scores", "scale"), p + "scaled");
        node("Add", List.of(p + "scaled", "causal_add"), p + "causal");
        node("Add", List.of(p + "causal", "pad_add"), p + "masked");
        node("Softmax", List.of(p + "masked"), p + "attn", intAttr("axis", -1));
        node("MatMul", List.of(p + "attn", values), p + "ctx");
        node("Transpose", List.of(p + "ctx"), p + "ctx_bshd", intsAttr("perm", 0, 2, 1, 3));
        node("Reshape", List.of(p + "ctx_bshd", "shape_bse"), p + "ctx_flat");
        node("MatMul", List.of(p + "ctx_flat", p + "wo"), p + "out");
        node("Add", List.of(x, p + "out"), p + "x");
        return p + "x";
    }

    private void node(String op, List<String> inputs, String output, AttributeProto... attrs) {
        g.addNode(NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs).addOutput(output).addAllAttribute(List.of(attrs)));
    }

    /** A [rows, cols] matrix of normal values with this standard deviation. */
    private void floats(String name, float std, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * std);
        }
        tensor(name, v, rows, cols);
    }

    private void tensor(String name, float[] v, long... dims) {
        g.addInitializer(OnnxProtos.floats(name, v, dims));
    }

    private void scalar(String name, float value) {
        g.addInitializer(OnnxProtos.floats(name, new float[] {value}));
    }

    private void longs(String name, long... values) {
        g.addInitializer(OnnxProtos.longs(name, values));
    }
}
