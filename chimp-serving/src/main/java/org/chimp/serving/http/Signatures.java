package org.chimp.serving.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.chimp.api.TaskModel;
import org.chimp.api.tensor.HasTensorSignature;
import org.chimp.api.tensor.TensorSignature;
import org.chimp.api.tensor.TensorSpec;
import org.chimp.http.Json;

/**
 * What the endpoints can tell about a model's tensors: those it publishes through {@link HasTensorSignature}, else
 * the tensor forms its task's data types declare.
 */
final class Signatures {
    private static final TensorSignature NONE = new TensorSignature(List.of(), List.of(), null);

    private Signatures() {
    }

    /** The model's own signature, else the tensor forms of its task's data types, else none. */
    static TensorSignature of(TaskModel<?, ?> served) {
        if (served.model() instanceof HasTensorSignature s) {
            return s.signature();
        }
        TensorSpec in = served.task().input().tensorSpec();
        TensorSpec out = served.task().output().tensorSpec();
        return in == null || out == null ? NONE : new TensorSignature(List.of(in), List.of(out));
    }

    /** The runtime, as the Open Inference Protocol names it. */
    static String platform(TaskModel<?, ?> served) {
        return served.model() instanceof HasTensorSignature s ? s.platform() : "chimp";
    }

    /** MLflow's flavor of the model: {@code onnx} for ONNX Runtime models, {@code chimp} for CHIMP's own. */
    static String flavor(TaskModel<?, ?> served) {
        return platform(served).equals("onnxruntime_onnx") ? "onnx" : "chimp";
    }

    /** The name predictions are reported under: the model's output tensor, else the output type's own name. */
    static String outputName(TaskModel<?, ?> served) {
        String output = of(served).output();
        return output != null ? output : served.task().output().tensorName();
    }

    /** MLflow's tensor signature form: {@code {"inputs": [{"name", "type": "tensor", "tensor-spec": {...}}], ...}}. */
    static ObjectNode mlflow(TaskModel<?, ?> served) {
        ObjectNode sig = Json.MAPPER.createObjectNode();
        TensorSignature s = of(served);
        addMlflow(sig.putArray("inputs"), s.inputs());
        addMlflow(sig.putArray("outputs"), s.outputs());
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
            ObjectNode n = out.addObject().put("name", t.name()).put("datatype", t.oipDatatype());
            t.shape().forEach(n.putArray("shape")::add);
        }
    }
}
