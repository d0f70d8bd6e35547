package org.chimp.bench.serving;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.chimp.api.Architectures;
import org.chimp.db.Database;
import org.chimp.http.HttpErrors;
import org.chimp.http.Json;
import org.chimp.models.onnx.OnnxSessions;
import org.chimp.serving.Deployments;
import org.chimp.serving.QueueConfig;
import org.chimp.serving.http.ServingRoutes;
import org.chimp.store.ArtifactStore;
import org.chimp.store.FileBlobStore;
import org.chimp.tracking.ActiveRun;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.tracking.registry.Stage;

/**
 * CHIMP serving in this process next to the floor: a bare Javalin handler that parses the same OIP JSON and calls
 * ONNX Runtime once per request (one shared session, no registry, no validation). Both over HTTP on 127.0.0.1 with the
 * client in the same process, on an emotion-sized model (48x48 gray in, 7 classes out), so ratios hold for this
 * machine and this run.
 */
public final class ServingBench implements AutoCloseable {
    /**
     * One measured row.
     *
     * @param overheadMs the row's p50 minus the bare ONNX Runtime call's p50: what HTTP, parsing and serving add
     */
    public record Row(String variant, int connections, Load.Result result, double ratioToBare, double overheadMs) {
    }

    /** The bare ONNX Runtime call (no HTTP, no JSON) and every variant's row. */
    public record Report(Load.Result ortCall, List<Row> rows) {
    }

    private final Path dir;
    private final HikariDataSource ds;
    private final Deployments deployments;
    private final Javalin chimp;
    private final Javalin bare;
    private final OrtSession bareSession;

    public ServingBench(Path dir) throws Exception {
        this.dir = Files.createDirectories(dir);
        Path onnx = Files.write(dir.resolve("emotion-bench.onnx"), EmotionOnnx.model());
        ds = Database.open("jdbc:h2:mem:bench" + UUID.randomUUID().toString().replace("-", ""));
        FileBlobStore blobs = new FileBlobStore(dir.resolve("blobs"));
        ArtifactStore artifacts = new ArtifactStore(blobs, dir.resolve("cache"));
        TrackingStore tracking = new TrackingStore(ds, blobs);
        ModelRegistry registry = new ModelRegistry(ds, artifacts);
        register(tracking, registry, "emotion", onnx, Map.of());
        register(tracking, registry, "emotion-batched", onnx,
                Map.of(QueueConfig.MAX_BATCH_TAG, "32", QueueConfig.MAX_DELAY_TAG, "2"));
        deployments = new Deployments(registry, artifacts, Architectures.load());
        chimp = Javalin.create(c -> c.showJavalinBanner = false);
        HttpErrors.install(chimp);
        new ServingRoutes(deployments).addTo(chimp);
        chimp.start("127.0.0.1", 0);
        bareSession = OnnxSessions.open(onnx);
        bare = Javalin.create(c -> c.showJavalinBanner = false);
        bare.post("/bare", ctx -> ctx.json(bareInfer(Json.MAPPER.readTree(ctx.bodyAsBytes()))));
        // What HTTP alone costs here: the body read, a fixed answer of the binary answer's size, no parse, no model.
        byte[] fixed = new byte[EmotionOnnx.LABELS.size() * Float.BYTES + 150];
        bare.post("/empty", ctx -> ctx.result(ctx.bodyAsBytes().length > 0 ? fixed : new byte[0]));
        bare.start("127.0.0.1", 0);
    }

    /**
     * Every variant at every connection count; ratios are req/s against the bare handler at the same count, overheads
     * p50 against one thread calling ONNX Runtime on the same features with nothing around it.
     */
    public Report run(List<Integer> connections, long warmupMs, long measureMs) throws Exception {
        byte[] oip = oipBody();
        byte[] pixels = pixelBody();
        Binary binary = binaryBody();
        String c = "http://127.0.0.1:" + chimp.port();
        String floorUrl = "http://127.0.0.1:" + bare.port() + "/bare";
        // Every handler compiled and every pool grown before the first measured row, so row order does not matter.
        for (String url : List.of(floorUrl, c + "/v2/models/emotion/infer", c + "/v2/models/emotion-batched/infer")) {
            Load.run(url, "application/json", oip, 4, 0, warmupMs);
        }
        Load.run(c + "/model/emotion/infer", "application/json", pixels, 4, 0, warmupMs);
        Load.run(c + "/v2/models/emotion/infer", binary.headers(), binary.body(), 4, 0, warmupMs);
        String emptyUrl = "http://127.0.0.1:" + bare.port() + "/empty";
        Load.run(emptyUrl, binary.headers(), binary.body(), 4, 0, warmupMs);
        Load.Result ort = ortCall(features(), warmupMs, measureMs);
        List<Row> rows = new ArrayList<>();
        for (int n : connections) {
            Load.Result floor = Load.run(floorUrl, "application/json", oip, n, warmupMs, measureMs);
            rows.add(row("HTTP alone (no parse, no model)", n, floor,
                    Load.run(emptyUrl, binary.headers(), binary.body(), n, warmupMs, measureMs), ort));
            rows.add(row("bare Javalin + ORT (OIP JSON)", n, floor, floor, ort));
            rows.add(row("CHIMP /model/{name}/infer JSON", n, floor,
                    Load.run(c + "/model/emotion/infer", "application/json", pixels, n, warmupMs, measureMs), ort));
            rows.add(row("CHIMP OIP JSON", n, floor,
                    Load.run(c + "/v2/models/emotion/infer", "application/json", oip, n, warmupMs, measureMs), ort));
            rows.add(row("CHIMP OIP binary tensors", n, floor,
                    Load.run(c + "/v2/models/emotion/infer", binary.headers(), binary.body(), n, warmupMs, measureMs), ort));
            rows.add(row("CHIMP OIP JSON, batching 32/2ms", n, floor,
                    Load.run(c + "/v2/models/emotion-batched/infer", "application/json", oip, n, warmupMs, measureMs), ort));
        }
        return new Report(ort, rows);
    }

    private static Row row(String variant, int n, Load.Result floor, Load.Result r, Load.Result ort) {
        return new Row(variant, n, r, floor.perSecond() == 0 ? 0 : r.perSecond() / floor.perSecond(), r.p50Ms() - ort.p50Ms());
    }

    /** One thread calling the bare session back to back, as the bare handler does per request, timed per call. */
    private Load.Result ortCall(float[] x, long warmupMs, long measureMs) throws Exception {
        return Load.closedLoop(() -> {
            try (OnnxTensor t = OnnxTensor.createTensor(OnnxSessions.environment(), FloatBuffer.wrap(x), new long[] {1, x.length});
                 OrtSession.Result r = bareSession.run(Map.of("features", t), Set.of("probabilities"))) {
                float[][] p = (float[][]) r.get(0).getValue();
                if (p[0].length != EmotionOnnx.LABELS.size()) {
                    throw new IllegalStateException("the bench model answered " + p[0].length + " scores");
                }
            }
        }, warmupMs, measureMs);
    }

    /** The features every JSON and binary body carries. */
    private static float[] features() {
        Random random = new Random(1);
        float[] x = new float[EmotionOnnx.FEATURES];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.round(random.nextFloat() * 1000) / 1000f;
        }
        return x;
    }

    private ObjectNode bareInfer(JsonNode body) throws Exception {
        JsonNode data = body.path("inputs").path(0).path("data");
        float[] x = new float[data.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) data.get(i).asDouble();
        }
        try (OnnxTensor t = OnnxTensor.createTensor(OnnxSessions.environment(), FloatBuffer.wrap(x), new long[] {1, x.length});
             OrtSession.Result r = bareSession.run(Map.of("features", t), Set.of("probabilities"))) {
            float[][] p = (float[][]) r.get(0).getValue();
            ObjectNode out = Json.MAPPER.createObjectNode();
            ArrayNode d = out.putArray("outputs").addObject().put("name", "probabilities").put("datatype", "FP32").putArray("data");
            for (float v : p[0]) {
                d.add(v);
            }
            return out;
        }
    }

    private static byte[] oipBody() throws Exception {
        ObjectNode body = Json.MAPPER.createObjectNode();
        ObjectNode t = body.putArray("inputs").addObject().put("name", "features").put("datatype", "FP32");
        t.putArray("shape").add(1).add(EmotionOnnx.FEATURES);
        ArrayNode data = t.putArray("data");
        for (float v : features()) {
            data.add(v);
        }
        return Json.MAPPER.writeValueAsBytes(body);
    }

    /** A request of the binary tensor extension: its JSON header's size in a header, the raw tensor after it. */
    private record Binary(Map<String, String> headers, byte[] body) {
    }

    /** The same features as {@link #oipBody()}, sent as raw little-endian FP32 with a binary answer asked for. */
    private static Binary binaryBody() throws Exception {
        ByteBuffer raw = ByteBuffer.allocate(EmotionOnnx.FEATURES * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : features()) {
            raw.putFloat(v);
        }
        ObjectNode header = Json.MAPPER.createObjectNode();
        header.putObject("parameters").put("binary_data_output", true);
        ObjectNode t = header.putArray("inputs").addObject().put("name", "features").put("datatype", "FP32");
        t.putArray("shape").add(1).add(EmotionOnnx.FEATURES);
        t.putObject("parameters").put("binary_data_size", raw.capacity());
        byte[] json = Json.MAPPER.writeValueAsBytes(header);
        byte[] body = Arrays.copyOf(json, json.length + raw.capacity());
        System.arraycopy(raw.array(), 0, body, json.length, raw.capacity());
        return new Binary(Map.of("Content-Type", "application/octet-stream",
                "Inference-Header-Content-Length", Integer.toString(json.length)), body);
    }

    private static byte[] pixelBody() throws Exception {
        Random random = new Random(2);
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode rows = body.putArray("inputs");
        for (int y = 0; y < EmotionOnnx.SIDE; y++) {
            ArrayNode row = rows.addArray();
            for (int x = 0; x < EmotionOnnx.SIDE; x++) {
                row.add(random.nextInt(256));
            }
        }
        return Json.MAPPER.writeValueAsBytes(body);
    }

    private static void register(TrackingStore tracking, ModelRegistry registry, String name, Path onnx, Map<String, String> tags) {
        ActiveRun run = tracking.startRun(tracking.getOrCreateExperiment("serving-bench"), "bench", Map.of());
        ObjectNode params = Json.MAPPER.createObjectNode();
        EmotionOnnx.LABELS.forEach(params.putArray("labels")::add);
        params.putObject("preprocessing").put("width", EmotionOnnx.SIDE).put("height", EmotionOnnx.SIDE)
                .put("grayscale", true).put("mean", 0).put("std", 1);
        int v = registry.registerModel(run, name, "image-classification", "onnx-classifier", params, Map.of("weights", onnx)).version();
        run.end(true);
        tags.forEach((k, value) -> registry.setVersionTag(name, v, k, value));
        registry.transitionStage(name, v, Stage.PRODUCTION, true);
    }

    @Override
    public void close() {
        chimp.stop();
        bare.stop();
        deployments.close();
        OnnxSessions.close(bareSession);
        ds.close();
    }
}
