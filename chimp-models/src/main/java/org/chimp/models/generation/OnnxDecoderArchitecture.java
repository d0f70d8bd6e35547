package org.chimp.models.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import org.chimp.api.Architecture;
import org.chimp.api.ArtifactResolver;
import org.chimp.api.ModelConfig;
import org.chimp.api.Task;
import org.chimp.api.Tasks;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.generation.Generation;
import org.chimp.api.generation.GenerationRequest;
import org.chimp.api.param.ParameterSpec;
import org.chimp.api.param.ParameterType;
import org.chimp.models.text.ByteLevelBpeTokenizer;

/**
 * {@code onnx-decoder}: a decoder-only language model (GPT-2 style) exported to ONNX ({@code weights}, with or
 * without KV cache inputs, as Hugging Face Optimum writes them) and its byte-level BPE {@code tokenizer.json}
 * ({@code tokenizer}).
 */
public final class OnnxDecoderArchitecture implements Architecture<GenerationRequest, Generation> {
    public static final String NAME = "onnx-decoder";
    public static final String WEIGHTS = "weights";
    public static final String TOKENIZER = "tokenizer";

    private static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.optional("max_context", ParameterType.INTEGER,
                    "tokens the model attends to (prompt and generated), e.g. GPT-2's 1024", IntNode.valueOf(1024))
                    .between(2.0, 32768.0),
            ParameterSpec.optional("max_tokens_limit", ParameterType.INTEGER,
                    "the most tokens one request may generate", IntNode.valueOf(256))
                    .between(1.0, (double) GenerationRequest.MAX_TOKENS),
            ParameterSpec.optional("eos_token", ParameterType.STRING,
                    "the end-of-sequence token that stops generation; \"\" for none", TextNode.valueOf("<|endoftext|>")),
            ParameterSpec.optional("use_cache", ParameterType.BOOLEAN,
                    "feed the KV cache back (when the model has one) instead of re-reading the whole sequence each step",
                    BooleanNode.TRUE));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Task<GenerationRequest, Generation> task() {
        return Tasks.TEXT_GENERATION;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return PARAMETERS;
    }

    @Override
    public List<String> requiredArtifacts() {
        return List.of(WEIGHTS, TOKENIZER);
    }

    @Override
    public OnnxDecoder build(ModelConfig config, ArtifactResolver artifacts) {
        JsonNode p = config.parameters();
        ByteLevelBpeTokenizer tokenizer = ByteLevelBpeTokenizer.read(artifacts.resolve(config.artifacts().get(TOKENIZER)));
        String eosToken = p.path("eos_token").asText("<|endoftext|>");
        int eos = eosToken.isEmpty() ? -1 : tokenizer.idOrMinusOne(eosToken);
        if (!eosToken.isEmpty() && eos < 0) {
            throw ClientErrorException.invalid("'eos_token' is '" + eosToken + "' but the tokenizer has no such token; "
                    + "name the model's end-of-sequence token, or set \"eos_token\": \"\" for none");
        }
        return OnnxDecoder.open(artifacts.resolve(config.artifacts().get(WEIGHTS)), tokenizer, eos,
                p.path("max_context").asInt(1024), p.path("max_tokens_limit").asInt(256), p.path("use_cache").asBoolean(true));
    }
}
