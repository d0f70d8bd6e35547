package org.chimp.serving.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.chimp.api.Model;
import org.chimp.http.Json;
import org.chimp.models.onnx.OnnxClassifier;
import org.chimp.models.onnx.Signature;
import org.chimp.models.onnx.TensorSpec;

/** What the endpoints can tell about a model's tensors; only ONNX models have a signature. */
final class Signatures {
    /** The output name predictions are reported under when the model has no ONNX signature. */
    static final String DEFAULT_OUTPUT = "probabilities";

    private Signatures() {
    }

    static Optional<Signature> of(Model<?, ?> model) {
        return model instanceof OnnxClassifier onnx ? Optional.of(onnx.signature()) : Optional.empty();
    }

    static String outputName(Model<?, ?> model) {
        return model instanceof OnnxClassifier onnx ? onnx.outputName() : DEFAULT_OUTPUT;
    }

    /** MLflow's tensor signature form: {@code {"inputs": [{"name", "type": "tensor", "tensor-spec": {...}}], ...}}. */
    static ObjectNode mlflow(Model<?, ?> model) {
        ObjectNode sig = Json.MAPPER.createObjectNode();
        Optional<Signature> s = of(model);
        addMlflow(sig.putArray("inputs"), s.map(Signature::inputs).orElse(List.of()));
        addMlflow(sig.putArray("outputs"), s.map(Signature::outputs).orElse(List.of()));
        return sig;
    }

    private static void addMlflow(ArrayNode out, List<TensorSpec> specs) {
        for (TensorSpec t : specs) {
            ObjectNode spec = out.addObject().put("name", t.name()).put("type", "tensor").putObject("tensor-spec");
            spec.put("dtype", t.dtype());
            t.shape().forEach(spec.putArray("shape")::add);
        }
    }

    /** The Open Inference Protocol's tensor metadata: {@code [{"name", "datatype": "FP32", "shape": [...]}]}. */
    static void addOip(ArrayNode out, List<TensorSpec> specs) {
        for (TensorSpec t : specs) {
            ObjectNode n = out.addObject().put("name", t.name()).put("datatype", oipType(t.dtype()));
            t.shape().forEach(n.putArray("shape")::add);
        }
    }

    private static String oipType(String dtype) {
        return switch (dtype) {
            case "float32" -> "FP32";
            case "float64" -> "FP64";
            case "uint8" -> "UINT8";
            case "int8" -> "INT8";
            case "int16" -> "INT16";
            case "int32" -> "INT32";
            case "int64" -> "INT64";
            case "bool" -> "BOOL";
            default -> "BYTES";
        };
    }
}
