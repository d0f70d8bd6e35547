package org.chimp.models.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.chimp.api.Architecture;
import org.chimp.api.ArtifactResolver;
import org.chimp.api.Model;
import org.chimp.api.ModelConfig;
import org.chimp.api.Task;
import org.chimp.api.Tasks;
import org.chimp.api.classification.Classification;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.Image;
import org.chimp.api.image.ImagePreprocessing;
import org.chimp.api.param.ParameterSpec;
import org.chimp.api.param.ParameterType;

/**
 * {@code onnx-classifier}: an image classifier exported to ONNX (the {@code weights} artifact), with its labels
 * and the preprocessing it was trained with. ONNX cannot execute arbitrary code, unlike the pickles the originals
 * loaded.
 */
public final class OnnxClassifierArchitecture implements Architecture<Image, Classification> {
    public static final String NAME = "onnx-classifier";
    public static final String WEIGHTS = "weights";

    private static final List<ParameterSpec> PARAMETERS = List.of(
            ParameterSpec.required("labels", ParameterType.JSON, "the class labels, a list of strings in the model's output order"),
            ParameterSpec.required("preprocessing", ParameterType.JSON,
                    "{\"width\", \"height\", \"grayscale\", \"mean\", \"std\"}: how images become the model's input"),
            ParameterSpec.optional("input_name", ParameterType.STRING, "the ONNX input to feed; default: the model's only input", null),
            ParameterSpec.optional("output_name", ParameterType.STRING, "the ONNX output with the label scores; default: its first output", null),
            ParameterSpec.optional("softmax", ParameterType.BOOLEAN, "apply softmax to the output, for models that emit logits",
                    BooleanNode.FALSE));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Task<Image, Classification> task() {
        return Tasks.IMAGE_CLASSIFICATION;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return PARAMETERS;
    }

    @Override
    public List<String> requiredArtifacts() {
        return List.of(WEIGHTS);
    }

    @Override
    public OnnxClassifier build(ModelConfig config, ArtifactResolver artifacts) {
        JsonNode p = config.parameters();
        List<String> labels = labels(p.get("labels"));
        ImagePreprocessing preprocessing = ImagePreprocessing.fromJson(p.get("preprocessing"));
        String ref = config.artifacts().get(WEIGHTS);
        if (ref == null) {
            throw ClientErrorException.invalid("The onnx-classifier needs the ONNX file as artifact '" + WEIGHTS + "' in the model config");
        }
        return OnnxClassifier.open(artifacts.resolve(ref), labels, preprocessing,
                text(p, "input_name"), text(p, "output_name"), p.path("softmax").asBoolean(false));
    }

    /** Checks the labels: a non-empty list of distinct, non-blank strings. */
    static List<String> labels(JsonNode json) {
        if (json == null || !json.isArray() || json.isEmpty()) {
            throw ClientErrorException.invalid("'labels' must be a non-empty list of strings in the model's output order, got " + json);
        }
        List<String> labels = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode n : json) {
            if (!n.isTextual() || n.asText().isBlank()) {
                throw ClientErrorException.invalid("Every label must be a non-empty string; 'labels' has " + n);
            }
            if (!seen.add(n.asText())) {
                throw ClientErrorException.invalid("Label '" + n.asText() + "' appears twice in 'labels'; labels must be distinct");
            }
            labels.add(n.asText());
        }
        return labels;
    }

    private static String text(JsonNode p, String field) {
        JsonNode v = p.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
    }
}
