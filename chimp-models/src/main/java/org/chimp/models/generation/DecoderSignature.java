package org.chimp.models.generation;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.chimp.api.error.ClientErrorException;

/**
 * What a decoder-only ONNX model takes and gives, in the layout Hugging Face Optimum exports GPT-2-style models
 * with: int64 {@code input_ids} [B, S] and {@code attention_mask} [B, past + S], optionally {@code position_ids}
 * [B, S] and, for the KV cache, float {@code past_key_values.N.key/value} [B, heads, past, head_dim]; outputs
 * {@code logits} [B, S, vocab] and {@code present.N.key/value} [B, heads, past + S, head_dim].
 *
 * @param layers   how many past/present pairs (0: the model has no KV cache and re-reads the whole sequence)
 * @param heads    attention heads per layer (from the past inputs' shape)
 * @param headDim  values per head
 */
record DecoderSignature(boolean positionIds, int layers, long heads, long headDim) {
    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String POSITION_IDS = "position_ids";
    static final String LOGITS = "logits";
    private static final Pattern PAST = Pattern.compile("past_key_values\\.(\\d+)\\.(key|value)");

    /** Whether the model takes and returns a KV cache. */
    boolean cached() {
        return layers > 0;
    }

    static String pastKey(int layer) {
        return "past_key_values." + layer + ".key";
    }

    static String pastValue(int layer) {
        return "past_key_values." + layer + ".value";
    }

    static String presentKey(int layer) {
        return "present." + layer + ".key";
    }

    static String presentValue(int layer) {
        return "present." + layer + ".value";
    }

    /** Reads and checks the signature; every mismatch is a 400 naming the input or output and what it should be. */
    static DecoderSignature of(Map<String, NodeInfo> inputs, Map<String, NodeInfo> outputs) {
        tensor(inputs, INPUT_IDS, OnnxJavaType.INT64, 2, "input");
        tensor(inputs, ATTENTION_MASK, OnnxJavaType.INT64, 2, "input");
        boolean positions = inputs.containsKey(POSITION_IDS);
        if (positions) {
            tensor(inputs, POSITION_IDS, OnnxJavaType.INT64, 2, "input");
        }
        tensor(outputs, LOGITS, OnnxJavaType.FLOAT, 3, "output");
        int layers = 0;
        for (String name : inputs.keySet()) {
            Matcher m = PAST.matcher(name);
            if (m.matches()) {
                layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
            } else if (!name.equals(INPUT_IDS) && !name.equals(ATTENTION_MASK) && !name.equals(POSITION_IDS)) {
                throw ClientErrorException.invalid("The ONNX model has an input '" + name + "'; an onnx-decoder takes input_ids, "
                        + "attention_mask, optionally position_ids and past_key_values.N.key/value");
            }
        }
        if (layers == 0) {
            return new DecoderSignature(positions, 0, 0, 0);
        }
        long[] first = tensor(inputs, pastKey(0), OnnxJavaType.FLOAT, 4, "input");
        if (first[1] <= 0 || first[3] <= 0) {
            throw ClientErrorException.invalid("ONNX input '" + pastKey(0) + "' has shape " + Arrays.toString(first)
                    + "; the heads (dimension 1) and head size (dimension 3) must be fixed numbers");
        }
        for (int l = 0; l < layers; l++) {
            for (String name : new String[] {pastKey(l), pastValue(l)}) {
                long[] shape = tensor(inputs, name, OnnxJavaType.FLOAT, 4, "input");
                if (shape[1] != first[1] || shape[3] != first[3]) {
                    throw ClientErrorException.invalid("ONNX input '" + name + "' has shape " + Arrays.toString(shape) + ", unlike '"
                            + pastKey(0) + "' " + Arrays.toString(first) + "; every layer's cache must have the same heads and head size");
                }
            }
            tensor(outputs, presentKey(l), OnnxJavaType.FLOAT, 4, "output");
            tensor(outputs, presentValue(l), OnnxJavaType.FLOAT, 4, "output");
        }
        return new DecoderSignature(positions, layers, first[1], first[3]);
    }

    private static long[] tensor(Map<String, NodeInfo> nodes, String name, OnnxJavaType type, int rank, String kind) {
        NodeInfo node = nodes.get(name);
        if (node == null) {
            throw ClientErrorException.invalid("The ONNX model has no " + kind + " '" + name + "' (its " + kind + "s are "
                    + nodes.keySet() + "); an onnx-decoder needs the layout Hugging Face Optimum exports decoders with");
        }
        if (!(node.getInfo() instanceof TensorInfo t) || t.type != type || t.getShape().length != rank) {
            throw ClientErrorException.invalid("ONNX " + kind + " '" + name + "' is " + node.getInfo() + "; it must be a "
                    + type.name().toLowerCase(java.util.Locale.ROOT) + " tensor of rank " + rank);
        }
        return t.getShape();
    }
}
