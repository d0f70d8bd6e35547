package org.chimp.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.chimp.api.Model;
import org.chimp.api.RunContext;
import org.chimp.api.classification.Classification;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.error.Quote;
import org.chimp.api.image.Image;
import org.chimp.api.image.ImageDataType;
import org.chimp.api.image.ImageScope;
import org.chimp.api.image.ImageLimits;
import org.chimp.http.Json;
import org.chimp.http.Requests;
import org.chimp.models.onnx.OnnxClassifier;
import org.chimp.models.onnx.Signature;
import org.chimp.serving.Deployments;
import org.chimp.serving.Lease;
import org.chimp.tracking.registry.Stage;

/**
 * The Open Inference Protocol (KServe v2, REST) for the Production version of a model. One input tensor:
 * {@code [N, H, W]} or {@code [N, H, W, C]} pixels (FP32 or UINT8, 0-255), {@code [N]} BYTES of base64 PNG/JPEG,
 * or {@code [N, F]} FP32 feature vectors that are already preprocessed. One output: {@code [N, K]} FP32 scores.
 */
final class OpenInference {
    private static final ImageDataType IMAGES = new ImageDataType();
    private static final String FORMS = "one input {\"name\", \"shape\", \"datatype\", \"data\"} with shape [N, H, W] or "
            + "[N, H, W, C] (datatype FP32 or UINT8, pixels 0-255), [N] (BYTES, base64 PNG/JPEG) or [N, F] (FP32, "
            + "preprocessed features)";
    /** The largest dimension a shape may name; real tensors are bounded by the body size well before. */
    private static final long MAX_DIMENSION = 1 << 20;

    private final Deployments deployments;
    private final int maxBatch;

    OpenInference(Deployments deployments, int maxBatch) {
        this.deployments = deployments;
        this.maxBatch = maxBatch;
    }

    void metadata(Context ctx) {
        try (Lease lease = deployments.get(ctx.pathParam("name"), Stage.PRODUCTION)) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.put("name", lease.version().name());
            out.putArray("versions").add(Integer.toString(lease.version().version()));
            out.put("platform", lease.model() instanceof OnnxClassifier ? "onnxruntime_onnx" : "chimp");
            Signature sig = Signatures.of(lease.model()).orElse(new Signature(List.of(), List.of()));
            Signatures.addOip(out.putArray("inputs"), sig.inputs());
            Signatures.addOip(out.putArray("outputs"), sig.outputs());
            ServedVersion.addTo(out, lease);
            ctx.json(out);
        }
    }

    /**
     * Ready when a version of the model answers; a model whose Production version cannot be loaded (and that has
     * no older version answering) is not ready: 503 with the reason. Unknown models stay 404s.
     */
    void ready(Context ctx) {
        String name = ctx.pathParam("name");
        try (Lease lease = deployments.get(name, Stage.PRODUCTION)) {
            ObjectNode out = Json.MAPPER.createObjectNode().put("name", lease.version().name()).put("ready", true);
            ServedVersion.addTo(out, lease);
            ctx.json(out);
        } catch (ClientErrorException e) {
            if (e.status() != 409) {
                throw e;
            }
            ctx.status(503).json(Json.MAPPER.createObjectNode().put("name", name).put("ready", false).put("message", e.getMessage()));
        }
    }

    void infer(Context ctx) {
        try (Lease lease = deployments.get(ctx.pathParam("name"), Stage.PRODUCTION); ImageScope decoded = ImageScope.open()) {
            // Decoded images count against the in-flight pixel budget until this request is done with them.
            JsonNode body = Requests.jsonBody(ctx);
            InputTensor in = tensor(body);
            float[][] scores = Scores.finite(lease, lease.timed(() -> run(lease.model(), in)));
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.put("model_name", lease.version().name());
            out.put("model_version", Integer.toString(lease.version().version()));
            if (body.hasNonNull("id")) {
                out.put("id", body.get("id").asText());
            }
            ObjectNode t = out.putArray("outputs").addObject();
            t.put("name", Signatures.outputName(lease.model()));
            t.putArray("shape").add(scores.length).add(scores.length == 0 ? 0 : scores[0].length);
            t.put("datatype", "FP32");
            ArrayNode data = t.putArray("data");
            for (float[] row : scores) {
                for (float v : row) {
                    data.add(v);
                }
            }
            ctx.json(out);
        }
    }

    private float[][] run(Model<Image, Classification> model, InputTensor in) {
        if (in.shape.length == 2) {
            if (!(model instanceof OnnxClassifier onnx)) {
                throw ClientErrorException.invalid("This model takes images, not feature vectors; send " + FORMS);
            }
            return onnx.runFeatures(in.floats(), (int) in.shape[0]);
        }
        List<Classification> results = model.runBatch(in.images(), RunContext.defaults());
        float[][] out = new float[results.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = results.get(i).probabilities();
        }
        return out;
    }

    /** Validates the request's one input tensor; everything is checked before a value is converted or decoded. */
    private InputTensor tensor(JsonNode body) {
        JsonNode inputs = body.get("inputs");
        if (!body.isObject() || inputs == null || !inputs.isArray() || inputs.size() != 1 || !inputs.get(0).isObject()) {
            throw ClientErrorException.invalid("The body must have \"inputs\": [" + FORMS + "]");
        }
        JsonNode id = body.get("id");
        if (id != null && !id.isNull() && !id.isTextual()) {
            throw ClientErrorException.invalid("The request 'id' must be a string, got " + Quote.json(id));
        }
        JsonNode t = inputs.get(0);
        String name = t.path("name").isTextual() ? "'" + Quote.json(t.get("name")).replace("\"", "") + "'" : "inputs[0]";
        JsonNode type = t.path("datatype");
        String datatype = type.isTextual() ? type.asText() : "";
        if (!List.of("FP32", "UINT8", "BYTES").contains(datatype)) {
            throw ClientErrorException.invalid("Input " + name + ": datatype must be FP32, UINT8 or BYTES, got " + Quote.json(type));
        }
        long[] shape = shape(name, t.get("shape"));
        boolean bytes = datatype.equals("BYTES");
        boolean rankFits = bytes ? shape.length == 1 : shape.length >= 2 && shape.length <= 4;
        if (!rankFits || (shape.length == 4 && shape[3] != 1 && shape[3] != 3 && shape[3] != 4)
                || (shape.length == 2 && !datatype.equals("FP32"))) {
            throw ClientErrorException.invalid("Input " + name + ": shape " + Arrays.toString(shape) + " with datatype "
                    + datatype + " is not supported; send " + FORMS);
        }
        if (shape[0] > maxBatch) {
            throw ClientErrorException.invalid("The batch size N must be 1 to " + maxBatch + ", got " + shape[0]);
        }
        if (shape.length >= 3) {
            // Pixels: the same per-image limits as an image file's header (413), before anything is allocated.
            ImageLimits.current().check((int) shape[2], (int) shape[1]);
        }
        List<JsonNode> data = new ArrayList<>();
        flatten(name, t.get("data"), data);
        long count = 1;
        for (long d : shape) {
            count = count > Long.MAX_VALUE / d ? Long.MAX_VALUE : count * d;
        }
        if (count != data.size()) {
            throw ClientErrorException.invalid("Input " + name + ": shape " + Arrays.toString(shape) + " needs "
                    + (count == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : count) + " values in 'data', got " + data.size());
        }
        return new InputTensor(name, datatype, shape, data);
    }

    private static long[] shape(String name, JsonNode json) {
        if (json == null || !json.isArray() || json.isEmpty() || json.size() > 4) {
            throw ClientErrorException.invalid("Input " + name + ": 'shape' must be a list of 1 to 4 dimensions, e.g. [1, 48, 48], got "
                    + Quote.json(json));
        }
        long[] shape = new long[json.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = json.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 1 || d.asLong() > MAX_DIMENSION) {
                throw ClientErrorException.invalid("Input " + name + ": 'shape' must hold whole numbers from 1 to "
                        + MAX_DIMENSION + ", got " + Quote.json(json));
            }
            shape[i] = d.asLong();
        }
        return shape;
    }

    /** KServe allows 'data' flat or nested in row-major order. */
    private static void flatten(String name, JsonNode json, List<JsonNode> out) {
        if (json == null || !json.isArray()) {
            throw ClientErrorException.invalid("Input " + name + ": 'data' must be a list of values in row-major order, got "
                    + Quote.json(json));
        }
        for (JsonNode n : json) {
            if (n.isArray()) {
                flatten(name, n, out);
            } else {
                out.add(n);
            }
        }
    }

    /** A validated input tensor: shape and value count agree. */
    private record InputTensor(String name, String datatype, long[] shape, List<JsonNode> data) {
        /**
         * The values as floats. A value outside the datatype's range is refused, not rounded to infinity: FP32
         * holds magnitudes up to {@link Float#MAX_VALUE}, UINT8 whole numbers 0-255.
         */
        float[] floats() {
            float[] f = new float[data.size()];
            for (int i = 0; i < f.length; i++) {
                JsonNode v = data.get(i);
                if (!v.isNumber()) {
                    throw invalidValue(i, v, "must be a number");
                }
                double d = v.asDouble();
                if (datatype.equals("UINT8") && !(v.canConvertToInt() && d == Math.rint(d) && d >= 0 && d <= 255)) {
                    throw invalidValue(i, v, "is not a UINT8: UINT8 values are whole numbers from 0 to 255");
                }
                if (!Double.isFinite(d) || Math.abs(d) > Float.MAX_VALUE) {
                    throw invalidValue(i, v, "is outside the FP32 range (magnitudes up to " + Float.MAX_VALUE + ")");
                }
                f[i] = (float) d;
            }
            return f;
        }

        private ClientErrorException invalidValue(int index, JsonNode v, String why) {
            return ClientErrorException.invalid("Input " + name + ": 'data' value " + index + " (" + Quote.json(v) + ") " + why);
        }

        List<Image> images() {
            int n = (int) shape[0];
            List<Image> images = new ArrayList<>(n);
            if (datatype.equals("BYTES")) {
                for (int i = 0; i < data.size(); i++) {
                    if (!data.get(i).isTextual()) {
                        throw invalidValue(i, data.get(i), "must be a base64 PNG/JPEG string (datatype BYTES)");
                    }
                }
                data.forEach(v -> images.add(IMAGES.fromJson(v)));
                return images;
            }
            int h = (int) shape[1];
            int w = (int) shape[2];
            int c = shape.length == 4 ? (int) shape[3] : 1;
            float[] px = pixels();
            int outC = c == 1 ? 1 : 3;
            for (int img = 0; img < n; img++) {
                float[] dst = new float[h * w * outC];
                for (int p = 0; p < h * w; p++) {
                    // Alpha (C = 4) is dropped, as when decoding images.
                    System.arraycopy(px, (img * h * w + p) * c, dst, p * outC, outC);
                }
                images.add(new Image(w, h, outC, dst));
            }
            return images;
        }

        /** Pixel values scaled to [0, 1]; FP32 values no larger than 1 are taken as already scaled. */
        private float[] pixels() {
            float[] f = floats();
            float max = 0;
            for (int i = 0; i < f.length; i++) {
                if (f[i] < 0 || f[i] > 255) {
                    throw invalidValue(i, data.get(i), "is not a pixel value: pixels are numbers from 0 to 255");
                }
                max = Math.max(max, f[i]);
            }
            float scale = datatype.equals("UINT8") || max > 1f ? 1f / 255f : 1f;
            for (int i = 0; i < f.length; i++) {
                f[i] *= scale;
            }
            return f;
        }
    }
}
