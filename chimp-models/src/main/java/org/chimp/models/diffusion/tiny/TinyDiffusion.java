package org.chimp.models.diffusion.tiny;

import static org.chimp.models.graph.OnnxProtos.intAttr;
import static org.chimp.models.graph.OnnxProtos.intsAttr;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chimp.api.ModelConfig;
import org.chimp.api.Tasks;
import org.chimp.models.diffusion.ClipTokenizer;
import org.chimp.models.diffusion.OnnxLatentDiffusionArchitecture;
import org.chimp.models.diffusion.OnnxUnconditionalDiffusionArchitecture;

/**
 * Tiny random-weight networks with the exact input and output names, element types and ranks of Stable Diffusion's
 * ONNX exports, so the real pipeline runs end to end in milliseconds without downloading gigabytes: the images are
 * seeded texture, not pictures. They live in main sources, not tests, so that {@code chimp standalone --examples}
 * can write and register example text-to-image and unconditional models at run time (protobuf only, no download).
 *
 * <ul>
 *   <li>{@code tokenizer}: a Hugging Face tokenizer.json in CLIP's format (BPE, {@code </w>} word ends, the 256
 *       byte symbols with and without {@code </w>}, merges for a handful of words, the start and end tokens);</li>
 *   <li>{@code text_encoder}: {@code input_ids} int32 [batch, 77] to {@code last_hidden_state} [batch, 77, 8]:
 *       a token embedding plus a position embedding, then tanh;</li>
 *   <li>{@code unet}: {@code sample} [batch, 4, h, w], {@code timestep} (float [batch], or int64 for the
 *       unconditional one) and, conditional, {@code encoder_hidden_states} [batch, 77, 8], to {@code out_sample}:
 *       a near-identity 3x3 conv plus a timestep term plus a projection of the mean hidden state;</li>
 *   <li>{@code vae_decoder}: {@code latent_sample} [batch, 4, h, w] to {@code sample} [batch, 3, 8h, 8w]: an 8x8
 *       stride-8 transposed conv, then tanh into [-1, 1].</li>
 * </ul>
 */
public final class TinyDiffusion {
    /** Latent channels, as Stable Diffusion's. */
    public static final int CHANNELS = 4;
    /** The text encoder's hidden size (CLIP ViT-L/14: 768). */
    public static final int HIDDEN = 8;
    public static final int POSITIONS = 77;
    /** The default image side of the example models. */
    public static final int SIZE = 32;
    private static final List<String> WORDS = List.of("a", "red", "fox", "cat", "blue", "sky", "lighthouse", "watercolor", "dawn");

    private TinyDiffusion() {
    }

    /** The four artifacts of a tiny {@code onnx-latent-diffusion} model, by artifact name. */
    public static Map<String, byte[]> textToImage(long seed) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("tokenizer", tokenizer());
        out.put("text_encoder", textEncoder(seed));
        out.put("unet", unet(seed + 1, true, DataType.FLOAT));
        out.put("vae_decoder", vaeDecoder(seed + 2));
        return out;
    }

    /** The two artifacts of a tiny {@code onnx-unconditional-diffusion} model (its UNet takes an int64 timestep). */
    public static Map<String, byte[]> unconditional(long seed) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("unet", unet(seed + 1, false, DataType.INT64));
        out.put("vae_decoder", vaeDecoder(seed + 2));
        return out;
    }

    /** The config of a tiny text-to-image model whose artifacts ({@link #textToImage}) were stored under these references. */
    public static ModelConfig textToImageConfig(Map<String, String> refs) {
        return new ModelConfig(Tasks.TEXT_TO_IMAGE.id(), OnnxLatentDiffusionArchitecture.NAME, refs, parameters());
    }

    /** The config of a tiny unconditional model whose artifacts ({@link #unconditional}) were stored under these references. */
    public static ModelConfig unconditionalConfig(Map<String, String> refs) {
        return new ModelConfig(Tasks.UNCONDITIONAL_IMAGE.id(), OnnxUnconditionalDiffusionArchitecture.NAME, refs, parameters());
    }

    /**
     * Config parameters that fit the tiny networks: {@value #SIZE}-pixel images by default, any multiple of 8 up to
     * 64 (their one-conv UNet takes any size), few steps.
     */
    public static ObjectNode parameters() {
        return new ObjectMapper().createObjectNode().put("width", SIZE).put("height", SIZE).put("max_size", 64)
                .put("size_multiple", 8).put("default_steps", 4).put("max_steps", 50);
    }

    /** The tokenizer.json (see the class comment). */
    public static byte[] tokenizer() {
        return tokenizerJson().toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode tokenizerJson() {
        ObjectNode root = new ObjectMapper().createObjectNode();
        ObjectNode model = root.putObject("model").put("type", "BPE").put("end_of_word_suffix", ClipTokenizer.END_OF_WORD);
        ObjectNode vocab = model.putObject("vocab");
        char[] alphabet = ClipTokenizer.byteAlphabet();
        for (char c : alphabet) {
            vocab.put(String.valueOf(c), vocab.size());
        }
        for (char c : alphabet) {
            vocab.put(c + ClipTokenizer.END_OF_WORD, vocab.size());
        }
        var merges = model.putArray("merges");
        for (String word : WORDS) {
            List<String> symbols = new ArrayList<>();
            for (int i = 0; i < word.length(); i++) {
                symbols.add(i == word.length() - 1 ? word.charAt(i) + ClipTokenizer.END_OF_WORD : String.valueOf(word.charAt(i)));
            }
            // Left to right: "r e" -> "re", then "re d</w>" -> "red</w>".
            String merged = symbols.get(0);
            for (int i = 1; i < symbols.size(); i++) {
                merges.add(merged + " " + symbols.get(i));
                merged += symbols.get(i);
                if (!vocab.has(merged)) {
                    vocab.put(merged, vocab.size());
                }
            }
        }
        vocab.put(ClipTokenizer.START, vocab.size());
        vocab.put(ClipTokenizer.END, vocab.size());
        return root;
    }

    /** The number of tokens in {@link #tokenizer()}, the rows of the text encoder's embedding. */
    static int vocabSize() {
        return tokenizerJson().path("model").path("vocab").size();
    }

    public static byte[] textEncoder(long seed) {
        GraphWriter g = new GraphWriter("tiny-text-encoder", seed)
                .input("input_ids", DataType.INT32, "batch", POSITIONS)
                .output("last_hidden_state", "batch", POSITIONS, HIDDEN);
        String tokens = g.node("Gather", List.of(g.weight("token_embedding", 0, 1, vocabSize(), HIDDEN), "input_ids"), "tokens",
                intAttr("axis", 0));
        String positioned = g.node("Add", List.of(tokens, g.weight("position_embedding", 0, 0.2, POSITIONS, HIDDEN)), "positioned");
        g.node("Tanh", List.of(positioned), "last_hidden_state");
        return g.model();
    }

    /**
     * A UNet: {@code conditional} adds the {@code encoder_hidden_states} input; {@code timestepType} is FLOAT (the
     * diffusers export) or INT64 (older exports).
     */
    public static byte[] unet(long seed, boolean conditional, DataType timestepType) {
        GraphWriter g = new GraphWriter("tiny-unet", seed)
                .input("sample", DataType.FLOAT, "batch", CHANNELS, "height", "width")
                .input("timestep", timestepType, "batch");
        if (conditional) {
            g.input("encoder_hidden_states", DataType.FLOAT, "batch", "sequence", HIDDEN);
        }
        g.output("out_sample", "batch", CHANNELS, "height", "width");
        float[] kernel = new float[CHANNELS * CHANNELS * 9];
        float[] noise = g.uniform(0, 0.05, kernel.length);
        for (int i = 0; i < kernel.length; i++) {
            boolean centerOfOwnChannel = i % 9 == 4 && (i / 9) % CHANNELS == i / (9 * CHANNELS);
            kernel[i] = (centerOfOwnChannel ? 1f : 0f) + noise[i];
        }
        String conv = g.node("Conv", List.of("sample", g.floats("conv_weight", kernel, CHANNELS, CHANNELS, 3, 3),
                g.weight("conv_bias", 0, 0.01, CHANNELS)), "conv", intsAttr("kernel_shape", 3, 3), intsAttr("pads", 1, 1, 1, 1));
        String t = timestepType == DataType.FLOAT ? "timestep"
                : g.node("Cast", List.of("timestep"), "timestep_float", intAttr("to", DataType.FLOAT.getNumber()));
        String column = g.node("Reshape", List.of(t, g.longs("column_shape", -1, 1, 1, 1)), "timestep_column");
        String timeTerm = g.node("Mul", List.of(column, g.weight("time_weight", 0, 1e-4, 1, CHANNELS, 1, 1)), "time_term");
        String out = g.node("Add", List.of(conv, timeTerm), conditional ? "denoised" : "out_sample");
        if (conditional) {
            String mean = g.node("ReduceMean", List.of("encoder_hidden_states"), "context_mean", intsAttr("axes", 1), intAttr("keepdims", 0));
            String projected = g.node("MatMul", List.of(mean, g.weight("context_projection", 0, 1, HIDDEN, CHANNELS)), "context_projected");
            String planes = g.node("Unsqueeze", List.of(projected, g.longs("plane_axes", 2, 3)), "context_planes");
            g.node("Add", List.of(out, planes), "out_sample");
        }
        return g.model();
    }

    /** A graph and the file of its external weights, as exporters write a model over protobuf's 2 GB limit. */
    public record SplitModel(byte[] graph, byte[] weights) {
    }

    /**
     * Moves a model's float weights into one external file named {@code location}, as the fp32 SD UNet ships; small
     * integer tensors (shapes, axes) stay inline, as onnx's own converter leaves them, since shape inference reads them.
     */
    public static SplitModel withExternalWeights(byte[] model, String location) {
        try {
            OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(model);
            OnnxMl.GraphProto.Builder graph = proto.getGraph().toBuilder();
            ByteArrayOutputStream weights = new ByteArrayOutputStream();
            for (int i = 0; i < graph.getInitializerCount(); i++) {
                OnnxMl.TensorProto t = graph.getInitializer(i);
                if (t.getDataType() != DataType.FLOAT.getNumber()) {
                    continue;
                }
                long offset = weights.size();
                t.getRawData().writeTo(weights);
                graph.setInitializer(i, t.toBuilder().clearRawData().setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", location)).addExternalData(entry("offset", Long.toString(offset)))
                        .addExternalData(entry("length", Integer.toString(t.getRawData().size()))));
            }
            return new SplitModel(proto.toBuilder().setGraph(graph).build().toByteArray(), weights.toByteArray());
        } catch (IOException e) {
            throw new IllegalArgumentException("Not an ONNX model", e);
        }
    }

    /**
     * The same model with a float16 interface, as Optimum's {@code --fp16} exports have: every float32 input and
     * output becomes float16, cast to and from float32 at the graph's edges (the arithmetic stays float32, which the
     * CPU provider runs everywhere).
     */
    public static byte[] withHalfInterface(byte[] model) {
        try {
            OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(model);
            OnnxMl.GraphProto.Builder graph = proto.getGraph().toBuilder();
            int half = DataType.FLOAT16.getNumber();
            List<OnnxMl.NodeProto> casts = new ArrayList<>();
            for (int i = 0; i < graph.getInputCount(); i++) {
                OnnxMl.ValueInfoProto in = graph.getInput(i);
                if (in.getType().getTensorType().getElemType() == DataType.FLOAT.getNumber()) {
                    String wide = in.getName() + "_float32";
                    for (int n = 0; n < graph.getNodeCount(); n++) {
                        OnnxMl.NodeProto.Builder node = graph.getNode(n).toBuilder();
                        for (int k = 0; k < node.getInputCount(); k++) {
                            if (node.getInput(k).equals(in.getName())) {
                                node.setInput(k, wide);
                            }
                        }
                        graph.setNode(n, node);
                    }
                    casts.add(cast(in.getName(), wide, DataType.FLOAT.getNumber()));
                    graph.setInput(i, retyped(in, half));
                }
            }
            for (int i = 0; i < graph.getOutputCount(); i++) {
                OnnxMl.ValueInfoProto out = graph.getOutput(i);
                String wide = out.getName() + "_float32";
                for (int n = 0; n < graph.getNodeCount(); n++) {
                    OnnxMl.NodeProto.Builder node = graph.getNode(n).toBuilder();
                    for (int k = 0; k < node.getOutputCount(); k++) {
                        if (node.getOutput(k).equals(out.getName())) {
                            node.setOutput(k, wide);
                        }
                    }
                    graph.setNode(n, node);
                }
                graph.addNode(cast(wide, out.getName(), half));
                graph.setOutput(i, retyped(out, half));
            }
            for (int i = 0; i < casts.size(); i++) {
                graph.addNode(i, casts.get(i));
            }
            return proto.toBuilder().setGraph(graph).build().toByteArray();
        } catch (IOException e) {
            throw new IllegalArgumentException("Not an ONNX model", e);
        }
    }

    private static OnnxMl.NodeProto cast(String from, String to, int type) {
        return OnnxMl.NodeProto.newBuilder().setOpType("Cast").setName("cast_" + to).addInput(from).addOutput(to)
                .addAttribute(intAttr("to", type)).build();
    }

    private static OnnxMl.ValueInfoProto retyped(OnnxMl.ValueInfoProto v, int type) {
        OnnxMl.ValueInfoProto.Builder b = v.toBuilder();
        b.getTypeBuilder().getTensorTypeBuilder().setElemType(type);
        return b.build();
    }

    private static OnnxMl.StringStringEntryProto entry(String key, String value) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    public static byte[] vaeDecoder(long seed) {
        GraphWriter g = new GraphWriter("tiny-vae-decoder", seed)
                .input("latent_sample", DataType.FLOAT, "batch", CHANNELS, "latent_height", "latent_width")
                .output("sample", "batch", 3, "height", "width");
        String up = g.node("ConvTranspose", List.of("latent_sample", g.weight("up_weight", 0, 0.05, CHANNELS, 3, 8, 8),
                g.weight("up_bias", 0, 0.1, 3)), "upsampled", intsAttr("kernel_shape", 8, 8), intsAttr("strides", 8, 8));
        g.node("Tanh", List.of(up), "sample");
        return g.model();
    }
}
