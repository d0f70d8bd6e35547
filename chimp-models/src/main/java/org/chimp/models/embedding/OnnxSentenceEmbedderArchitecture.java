package org.chimp.models.embedding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import java.util.List;
import org.chimp.api.Architecture;
import org.chimp.api.ArtifactResolver;
import org.chimp.api.ModelConfig;
import org.chimp.api.Task;
import org.chimp.api.Tasks;
import org.chimp.api.embedding.Embeddings;
import org.chimp.api.param.ParameterSpec;
import org.chimp.api.param.ParameterType;
import org.chimp.api.text.Texts;
import org.chimp.models.text.SequenceEncoder;

/**
 * {@code onnx-sentence-embedder}: a sentence-transformer exported to ONNX ({@code weights}) with its Hugging Face
 * {@code tokenizer.json} ({@code tokenizer}: WordPiece for BERT-family models such as all-MiniLM-L6-v2, or
 * byte-level BPE for RoBERTa-family ones).
 */
public final class OnnxSentenceEmbedderArchitecture implements Architecture<Texts, Embeddings> {
    public static final String NAME = "onnx-sentence-embedder";
    public static final String WEIGHTS = "weights";
    public static final String TOKENIZER = "tokenizer";
    /** BERT's position table has 512 entries; longer sequences would fail inside the model. */
    static final int MAX_TOKENS_LIMIT = 512;

    private static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.optional("max_tokens", ParameterType.INTEGER,
                    "tokens per text, [CLS] and [SEP] included; longer texts are cut", IntNode.valueOf(256))
                    .between(3.0, (double) MAX_TOKENS_LIMIT),
            ParameterSpec.optional("normalize", ParameterType.BOOLEAN, "scale each vector to length 1 (cosine = dot product)",
                    BooleanNode.TRUE),
            ParameterSpec.optional("output_name", ParameterType.STRING,
                    "the ONNX output with token vectors [N, T, D] or sentence vectors [N, D]; default: the first output", null));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Task<Texts, Embeddings> task() {
        return Tasks.TEXT_EMBEDDING;
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
    public OnnxSentenceEmbedder build(ModelConfig config, ArtifactResolver artifacts) {
        JsonNode p = config.parameters();
        SequenceEncoder tokenizer = SequenceEncoder.read(artifacts.resolve(config.artifacts().get(TOKENIZER)));
        JsonNode output = p.get("output_name");
        return OnnxSentenceEmbedder.open(artifacts.resolve(config.artifacts().get(WEIGHTS)), tokenizer,
                p.path("max_tokens").asInt(256), p.path("normalize").asBoolean(true),
                output == null || output.asText().isBlank() ? null : output.asText());
    }
}
