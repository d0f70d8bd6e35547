package org.chimp.models.embedding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import org.chimp.api.Architecture;
import org.chimp.api.ArtifactResolver;
import org.chimp.api.ModelConfig;
import org.chimp.api.Task;
import org.chimp.api.Tasks;
import org.chimp.api.embedding.JointEmbeddings;
import org.chimp.api.embedding.TextsAndImages;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.param.ParameterSpec;
import org.chimp.api.param.ParameterType;
import org.chimp.models.text.SequenceEncoder;

/**
 * {@code onnx-clip}: a CLIP-style model as two ONNX files, {@code text_encoder} (input_ids and attention_mask in,
 * projected {@code text_embeds} [N, D] out) and {@code image_encoder} ({@code pixel_values} [N, 3, H, W] in,
 * {@code image_embeds} [N, D] out), with the text tower's {@code tokenizer.json} ({@code tokenizer}; CLIP's
 * byte-level BPE or a WordPiece one). Images are centre-cropped to the encoder's aspect ratio, resized to its H x W
 * and normalized per channel with {@code image_mean} and {@code image_std} (CLIP's values by default).
 */
public final class OnnxClipArchitecture implements Architecture<TextsAndImages, JointEmbeddings> {
    public static final String NAME = "onnx-clip";
    public static final String TEXT_ENCODER = "text_encoder";
    public static final String IMAGE_ENCODER = "image_encoder";
    public static final String TOKENIZER = "tokenizer";
    private static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    private static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    private static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.optional("max_tokens", ParameterType.INTEGER, "tokens per text, start and end tokens included (CLIP: 77)",
                    IntNode.valueOf(77)).between(3.0, 512.0),
            ParameterSpec.optional("normalize", ParameterType.BOOLEAN, "scale every vector to length 1", BooleanNode.TRUE),
            ParameterSpec.optional("text_output", ParameterType.STRING, "the text encoder's [N, D] output", TextNode.valueOf("text_embeds")),
            ParameterSpec.optional("image_output", ParameterType.STRING,
                    "the image encoder's [N, D] output; default: image_embeds, else its first output", null),
            ParameterSpec.optional("image_mean", ParameterType.JSON, "per-channel mean (R, G, B) of pixels in [0, 1]", floats(CLIP_MEAN)),
            ParameterSpec.optional("image_std", ParameterType.JSON, "per-channel standard deviation (R, G, B)", floats(CLIP_STD)));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Task<TextsAndImages, JointEmbeddings> task() {
        return Tasks.TEXT_IMAGE_EMBEDDING;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return PARAMETERS;
    }

    @Override
    public List<String> requiredArtifacts() {
        return List.of(TEXT_ENCODER, IMAGE_ENCODER, TOKENIZER);
    }

    @Override
    public OnnxClip build(ModelConfig config, ArtifactResolver artifacts) {
        JsonNode p = config.parameters();
        float[] mean = channels(p.get("image_mean"), "image_mean", CLIP_MEAN);
        float[] std = channels(p.get("image_std"), "image_std", CLIP_STD);
        SequenceEncoder tokenizer = SequenceEncoder.read(artifacts.resolve(config.artifacts().get(TOKENIZER)));
        JsonNode imageOutput = p.get("image_output");
        return OnnxClip.open(artifacts.resolve(config.artifacts().get(TEXT_ENCODER)), tokenizer, p.path("max_tokens").asInt(77),
                p.path("text_output").asText("text_embeds"), artifacts.resolve(config.artifacts().get(IMAGE_ENCODER)),
                imageOutput == null || imageOutput.asText().isBlank() ? null : imageOutput.asText(), mean, std,
                p.path("normalize").asBoolean(true));
    }

    private static float[] channels(JsonNode json, String name, float[] dflt) {
        if (json == null || json.isNull()) {
            return dflt;
        }
        if (!json.isArray() || json.size() != 3) {
            throw ClientErrorException.invalid("'" + name + "' must be a list of 3 numbers (R, G, B), got " + json);
        }
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            if (!json.get(i).isNumber() || !Double.isFinite(json.get(i).asDouble())) {
                throw ClientErrorException.invalid("'" + name + "' must be a list of 3 numbers (R, G, B), got " + json);
            }
            out[i] = json.get(i).floatValue();
        }
        return out;
    }

    private static JsonNode floats(float[] values) {
        var a = JsonNodeFactory.instance.arrayNode();
        for (float v : values) {
            a.add(v);
        }
        return a;
    }
}
