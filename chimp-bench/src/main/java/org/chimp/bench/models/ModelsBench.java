package org.chimp.bench.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.chimp.api.Architectures;
import org.chimp.api.Model;
import org.chimp.api.ModelConfig;
import org.chimp.api.RunContext;
import org.chimp.api.TaskModel;
import org.chimp.api.Tasks;
import org.chimp.api.text.Texts;
import org.chimp.models.text.WordPieceTokenizer;

/**
 * {@code chimp bench models}: the example models as serving runs them, without HTTP. For all-MiniLM-L6-v2 (the
 * {@code text-embedding} model among them),
 * sentences per second through CHIMP's {@code onnx-sentence-embedder} next to bare ONNX Runtime on the same file
 * with the same session options and the same token ids (tokenized once, before timing), both measured in this run,
 * alternating, after a warm-up round; the median round of each counts. For every other example, the latency of one
 * request with its task's schema example.
 */
public final class ModelsBench {
    private static final List<String> WORDS = List.of("the", "a", "model", "answers", "every", "request", "with", "its",
            "promoted", "version", "while", "workers", "train", "new", "ones", "on", "fresh", "data", "from", "users",
            "who", "correct", "labels", "quickly", "and", "quietly", "under", "heavy", "load", "tonight");
    private static final int WARMUP_REQUESTS = 10;

    private final Path work;
    private final Architectures architectures = Architectures.load();

    /** @param work a scratch directory for the models' files (left for the caller to remove) */
    public ModelsBench(Path work) {
        this.work = work;
    }

    /**
     * One model to measure: an example model as chimp-server's {@code ExampleModels} describes it (this module does not
     * see chimp-server), its artifact files written on demand.
     *
     * @param writeArtifacts writes the artifact files into a directory; returns artifact name to file
     */
    public record Subject(String name, String task, String architecture, ObjectNode parameters,
                          Function<Path, Map<String, Path>> writeArtifacts) {
    }

    /** One batch size: sentences per second, median over the rounds, of CHIMP and of bare ONNX Runtime. */
    public record Throughput(int batch, double chimp, double bare) {
        public double ratio() {
            return chimp / bare;
        }
    }

    /** One example model's per-request latency. */
    public record Latency(String task, String architecture, int requests, double p50Ms, double p99Ms) {
    }

    /** Everything measured, and how: {@link #table()} prints it. */
    public record Result(int sentences, int rounds, List<Throughput> embedder, List<Latency> latencies) {
        public String table() {
            StringBuilder out = new StringBuilder();
            out.append(String.format("text-embedding, all-MiniLM-L6-v2: %d sentences of 6-24 words, median of %d rounds after a warm-up round%n",
                    sentences, rounds));
            out.append(String.format("%-6s %14s %16s %11s%n", "batch", "CHIMP sent/s", "bare ORT sent/s", "CHIMP/bare"));
            for (Throughput t : embedder) {
                out.append(String.format("%-6d %14.1f %16.1f %11.2f%n", t.batch(), t.chimp(), t.bare(), t.ratio()));
            }
            out.append(String.format("%nexample models, one request at a time with the task's schema example, after %d warm-up requests%n",
                    WARMUP_REQUESTS));
            out.append(String.format("%-22s %-30s %8s %9s %9s%n", "task", "architecture", "requests", "p50 ms", "p99 ms"));
            for (Latency l : latencies) {
                out.append(String.format("%-22s %-30s %8d %9.3f %9.3f%n", l.task(), l.architecture(), l.requests(), l.p50Ms(), l.p99Ms()));
            }
            return out.toString();
        }
    }

    /**
     * @param models    the example models: the {@code text-embedding} one is the embedder compared with bare ONNX
     *                  Runtime (its artifacts a {@code weights} .onnx and a WordPiece {@code tokenizer}), every other
     *                  one has its latency measured
     * @param sentences sentences per round and batch size
     * @param rounds    measured rounds (after one warm-up round)
     * @param batches   batch sizes of the embedder comparison
     * @param requests  timed requests per other example
     */
    public Result run(List<Subject> models, int sentences, int rounds, List<Integer> batches, int requests) throws OrtException {
        List<Throughput> throughput = new ArrayList<>();
        Subject miniLm = models.stream().filter(m -> m.task().equals(Tasks.TEXT_EMBEDDING.id())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No text-embedding model to compare with bare ONNX Runtime"));
        Map<String, Path> files = miniLm.writeArtifacts().apply(work.resolve(miniLm.name()));
        List<String> texts = sentences(sentences);
        try (Model<Texts, ?> chimp = architectures.build(Tasks.TEXT_EMBEDDING, config(miniLm, files), resolver(files));
             BareEmbedder bare = new BareEmbedder(files.get("weights"), WordPieceTokenizer.read(files.get("tokenizer")), texts)) {
            for (int batch : batches) {
                double[][] perSecond = new double[2][rounds];
                for (int round = -1; round < rounds; round++) {
                    // Alternating which goes first, so neither always runs on a machine the other has just warmed.
                    boolean chimpFirst = round % 2 == 0;
                    double a = chimpFirst ? chimpRate(chimp, texts, batch) : bare.rate(batch);
                    double b = chimpFirst ? bare.rate(batch) : chimpRate(chimp, texts, batch);
                    if (round >= 0) {
                        perSecond[0][round] = chimpFirst ? a : b;
                        perSecond[1][round] = chimpFirst ? b : a;
                    }
                }
                throughput.add(new Throughput(batch, median(perSecond[0]), median(perSecond[1])));
            }
        }
        List<Latency> latencies = new ArrayList<>();
        for (Subject example : models) {
            if (example != miniLm) {
                latencies.add(latency(example, requests));
            }
        }
        return new Result(sentences, rounds, throughput, latencies);
    }

    private static double chimpRate(Model<Texts, ?> model, List<String> texts, int batch) {
        long start = System.nanoTime();
        for (int i = 0; i < texts.size(); i += batch) {
            List<String> slice = texts.subList(i, Math.min(texts.size(), i + batch));
            model.run(slice.size() == 1 ? Texts.of(slice.get(0)) : Texts.of(slice), RunContext.defaults());
        }
        return texts.size() / ((System.nanoTime() - start) / 1e9);
    }

    private Latency latency(Subject example, int requests) {
        Map<String, Path> files = example.writeArtifacts().apply(work.resolve(example.name()));
        TaskModel<?, ?> model = architectures.build(config(example, files), resolver(files));
        try {
            double[] ms = time(model, requests);
            Arrays.sort(ms);
            return new Latency(example.task(), example.architecture(), requests, percentile(ms, 0.50), percentile(ms, 0.99));
        } finally {
            model.model().close();
        }
    }

    private static <I, O> double[] time(TaskModel<I, O> model, int requests) {
        JsonNode example = model.task().input().example();
        boolean batch = model.task().input().isBatch(example);
        List<I> inputs = batch ? model.task().input().fromJsonBatch(example, 256) : List.of(model.task().input().fromJson(example));
        double[] ms = new double[requests];
        for (int i = -WARMUP_REQUESTS; i < requests; i++) {
            long start = System.nanoTime();
            if (batch) {
                model.model().runBatch(inputs, new RunContext(i, "cpu", () -> false));
            } else {
                model.model().run(inputs.get(0), new RunContext(i, "cpu", () -> false));
            }
            if (i >= 0) {
                ms[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        return ms;
    }

    private static ModelConfig config(Subject example, Map<String, Path> files) {
        Map<String, String> refs = new LinkedHashMap<>();
        files.forEach((name, file) -> refs.put(name, sha256(file)));
        return new ModelConfig(example.task(), example.architecture(), refs, example.parameters());
    }

    private static org.chimp.api.ArtifactResolver resolver(Map<String, Path> files) {
        Map<String, Path> byRef = new HashMap<>();
        files.values().forEach(f -> byRef.put(sha256(f), f));
        return ref -> {
            Path file = byRef.get(ref);
            if (file == null) {
                throw new IllegalArgumentException("No file for " + ref);
            }
            return file;
        };
    }

    private static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return "sha256:" + HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deterministic sentences of 6 to 24 words, so every run tokenizes the same inputs. */
    static List<String> sentences(int n) {
        Random random = new Random(1);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            StringBuilder s = new StringBuilder();
            int words = 6 + random.nextInt(19);
            for (int w = 0; w < words; w++) {
                s.append(w == 0 ? "" : " ").append(WORDS.get(random.nextInt(WORDS.size())));
            }
            out.add(s.append('.').toString());
        }
        return out;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Nearest rank on sorted values. */
    static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /**
     * The baseline: the same ONNX file in a session with the options CHIMP's sessions use (one intra-op thread
     * unless {@code -Dchimp.onnx.intraOpThreads} says otherwise, all graph optimizations), fed token ids computed
     * before timing; each call builds the input tensors, runs, and copies the output out (no pooling).
     */
    static final class BareEmbedder implements AutoCloseable {
        private final OrtEnvironment env = OrtEnvironment.getEnvironment();
        private final OrtSession session;
        private final long[][] ids;
        private final long pad;
        private final boolean tokenTypes;

        BareEmbedder(Path onnx, WordPieceTokenizer tokenizer, List<String> texts) throws OrtException {
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(Math.max(1, Integer.getInteger("chimp.onnx.intraOpThreads", 1)));
                options.setInterOpNumThreads(1);
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                session = env.createSession(onnx.toString(), options);
            }
            ids = texts.stream().map(t -> tokenizer.sequence(t, 256)).toArray(long[][]::new);
            pad = tokenizer.padId();
            tokenTypes = session.getInputNames().contains("token_type_ids");
        }

        double rate(int batch) throws OrtException {
            long start = System.nanoTime();
            for (int i = 0; i < ids.length; i += batch) {
                run(i, Math.min(ids.length, i + batch));
            }
            return ids.length / ((System.nanoTime() - start) / 1e9);
        }

        private void run(int from, int to) throws OrtException {
            int n = to - from;
            int len = 0;
            for (int i = from; i < to; i++) {
                len = Math.max(len, ids[i].length);
            }
            long[] input = new long[n * len];
            long[] mask = new long[n * len];
            for (int i = 0; i < n; i++) {
                long[] row = ids[from + i];
                Arrays.fill(input, i * len, (i + 1) * len, pad);
                System.arraycopy(row, 0, input, i * len, row.length);
                Arrays.fill(mask, i * len, i * len + row.length, 1L);
            }
            long[] shape = {n, len};
            Map<String, OnnxTensor> feed = new HashMap<>();
            try {
                feed.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(input), shape));
                feed.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
                if (tokenTypes) {
                    feed.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n * len]), shape));
                }
                try (OrtSession.Result result = session.run(feed)) {
                    ((OnnxTensor) result.get(0)).getFloatBuffer();
                }
            } finally {
                feed.values().forEach(OnnxTensor::close);
            }
        }

        @Override
        public void close() throws OrtException {
            session.close();
        }
    }
}
