package org.chimp.models.generation.tiny;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.chimp.api.ModelConfig;
import org.chimp.api.Tasks;
import org.chimp.models.generation.OnnxDecoderArchitecture;

/**
 * A ready tiny {@code onnx-decoder} model (random weights, babble rather than text), for tests of other modules and
 * for {@code chimp standalone --examples}: the artifacts by name, and the config that fits them.
 */
public final class TinyTextGenerator {
    private TinyTextGenerator() {
    }

    /** The {@code weights} (a cached one-layer {@link TinyDecoder}) and {@code tokenizer} ({@link TinyTokenizer}). */
    public static Map<String, byte[]> files(long seed) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put(OnnxDecoderArchitecture.WEIGHTS, TinyDecoder.build(seed, TinyTokenizer.vocabSize(), 1, true, null));
        out.put(OnnxDecoderArchitecture.TOKENIZER, TinyTokenizer.json());
        return out;
    }

    /** The config of a model whose artifacts ({@link #files}) were stored under these references. */
    public static ModelConfig config(Map<String, String> refs) {
        return new ModelConfig(Tasks.TEXT_GENERATION.id(), OnnxDecoderArchitecture.NAME, refs, parameters());
    }

    /** The decoder's context is {@value TinyDecoder#MAX_POSITIONS} positions; the prompt and the tokens share it. */
    public static ObjectNode parameters() {
        return JsonNodeFactory.instance.objectNode().put("max_context", TinyDecoder.MAX_POSITIONS).put("max_tokens_limit", 32);
    }
}
