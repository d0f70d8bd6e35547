package org.chimp.training.imageclassifier;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/**
 * Writes a {@link SoftmaxRegression} as an ONNX model: one float input {@code input} [N, F], one float output
 * {@code probabilities} [N, K] in label order (Gemm, then Softmax). This is the contract of the
 * {@code onnx-classifier} architecture that serves it.
 */
public final class OnnxExport {
    /** The input tensor's name. */
    public static final String INPUT = "input";
    /** The output tensor's name. */
    public static final String OUTPUT = "probabilities";
    // IR version 8 goes with the opset Tribuo 4.3 emits; ONNX Runtime reads it.
    private static final long IR_VERSION = 8;

    private OnnxExport() {
    }

    /**
     * Writes the model; {@code labels} and {@code metadata} are kept as ONNX metadata properties for whoever
     * inspects the file (serving reads its labels from the model config).
     */
    public static void write(SoftmaxRegression model, List<String> labels, Map<String, String> metadata,
                             String domain, long modelVersion, Path file) throws IOException {
        if (labels.size() != model.labelCount()) {
            throw new IllegalArgumentException(labels.size() + " labels for a model with " + model.labelCount() + " outputs");
        }
        ONNXContext ctx = new ONNXContext();
        ctx.setName("chimp-softmax-regression");
        ONNXPlaceholder input = ctx.floatInput(INPUT, model.featureCount());
        ONNXPlaceholder output = ctx.floatOutput(OUTPUT, model.labelCount());
        ONNXInitializer weights = ctx.floatTensor("weights", List.of(model.featureCount(), model.labelCount()),
                fb -> fb.put(model.weights()));
        ONNXInitializer bias = ctx.array("bias", model.bias());
        List<ONNXRef<?>> gemmInputs = List.of(input, weights, bias);
        ctx.operation(ONNXOperators.GEMM, gemmInputs, "logits")
                .apply(ONNXOperators.SOFTMAX, Map.of("axis", 1))
                .assignTo(output);

        OnnxMl.ModelProto.Builder proto = OnnxMl.ModelProto.newBuilder()
                .setGraph(ctx.buildGraph())
                .setIrVersion(IR_VERSION)
                .addOpsetImport(ONNXOperators.getOpsetProto())
                .setProducerName("chimp")
                .setDomain(domain)
                .setModelVersion(modelVersion)
                .setDocString("Softmax regression over preprocessed image pixels; outputs label probabilities");
        proto.addMetadataProps(prop("labels", String.join(",", labels)));
        metadata.forEach((k, v) -> proto.addMetadataProps(prop(k, v)));
        Files.write(file, proto.build().toByteArray());
    }

    private static OnnxMl.StringStringEntryProto prop(String key, String value) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
