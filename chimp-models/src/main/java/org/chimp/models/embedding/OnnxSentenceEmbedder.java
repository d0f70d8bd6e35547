package org.chimp.models.embedding;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import org.chimp.api.Model;
import org.chimp.api.RunContext;
import org.chimp.api.embedding.Embeddings;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.text.Texts;
import org.chimp.models.onnx.OnnxSessions;
import org.chimp.models.text.SequenceEncoder;

/**
 * A sentence-transformer in ONNX Runtime: each text becomes {@code [CLS] pieces [SEP]} (cut to {@code maxTokens};
 * the special tokens are the tokenizer's, so a RoBERTa-style BPE model gets {@code <s> pieces </s>}),
 * texts run together padded to the longest, the token vectors are averaged over the attention mask and the mean
 * is L2-normalized, as sentence-transformers' {@code all-MiniLM-L6-v2} does. A model whose output is already one
 * vector per text ({@code [N, D]}) skips the pooling. Thread-safe: the tokenizer is immutable and
 * {@link OrtSession#run} may be called concurrently.
 */
public final class OnnxSentenceEmbedder implements Model<Texts, Embeddings> {
    /** Texts per ONNX Runtime call: bounds the padded tensors of a large batch (64 x 512 x 384 floats = 48 MB at most). */
    static final int CHUNK = 64;
    private static final String INPUT_IDS = "input_ids";
    private static final String ATTENTION_MASK = "attention_mask";
    private static final String TOKEN_TYPE_IDS = "token_type_ids";

    private final OrtSession session;
    private final SequenceEncoder tokenizer;
    private final int maxTokens;
    private final boolean normalize;
    private final String output;
    private final boolean pooled;
    private final boolean typeIds;

    private OnnxSentenceEmbedder(OrtSession session, SequenceEncoder tokenizer, int maxTokens, boolean normalize,
                                 String output, boolean pooled, boolean typeIds) {
        this.session = session;
        this.tokenizer = tokenizer;
        this.maxTokens = maxTokens;
        this.normalize = normalize;
        this.output = output;
        this.pooled = pooled;
        this.typeIds = typeIds;
    }

    /**
     * Opens the model and checks its signature: int64 {@code input_ids} and {@code attention_mask} (and optionally
     * {@code token_type_ids}), a float output {@code [N, T, D]} or {@code [N, D]}. Any mismatch is a 400 and the
     * session is closed.
     *
     * @param outputName the output to read, or null for the model's first output
     */
    public static OnnxSentenceEmbedder open(Path weights, SequenceEncoder tokenizer, int maxTokens, boolean normalize,
                                            String outputName) {
        return OnnxSessions.openAndFit(weights, "The ONNX model", session -> {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            for (String name : inputs.keySet()) {
                if (!Set.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS).contains(name)) {
                    throw ClientErrorException.invalid("The ONNX model has an input '" + name + "'; a sentence embedder takes "
                            + INPUT_IDS + ", " + ATTENTION_MASK + " and optionally " + TOKEN_TYPE_IDS);
                }
                if (!(inputs.get(name).getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.INT64) {
                    throw ClientErrorException.invalid("ONNX input '" + name + "' must be an int64 tensor, it is " + inputs.get(name).getInfo());
                }
            }
            if (!inputs.containsKey(INPUT_IDS) || !inputs.containsKey(ATTENTION_MASK)) {
                throw ClientErrorException.invalid("The ONNX model's inputs are " + inputs.keySet() + "; a sentence embedder needs "
                        + INPUT_IDS + " and " + ATTENTION_MASK);
            }
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            String out = outputName != null ? outputName : outputs.keySet().iterator().next();
            NodeInfo info = outputs.get(out);
            if (info == null) {
                throw ClientErrorException.invalid("The ONNX model has no output '" + outputName + "'; its outputs are " + outputs.keySet());
            }
            if (!(info.getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT
                    || (t.getShape().length != 2 && t.getShape().length != 3)) {
                throw ClientErrorException.invalid("ONNX output '" + out + "' is " + info.getInfo()
                        + "; a sentence embedder reads float token vectors [N, T, D] or sentence vectors [N, D]");
            }
            OnnxSentenceEmbedder model = new OnnxSentenceEmbedder(session, tokenizer, maxTokens, normalize, out,
                    t.getShape().length == 2, inputs.containsKey(TOKEN_TYPE_IDS));
            model.run(Texts.of("CHIMP checks that the model runs when it is loaded."), RunContext.defaults());
            return model;
        });
    }

    @Override
    public Embeddings run(Texts input, RunContext ctx) {
        return new Embeddings(embed(input.values(), ctx));
    }

    /** All texts of all inputs run together (padded to the longest in each chunk), then are handed back per input. */
    @Override
    public List<Embeddings> runBatch(List<Texts> inputs, RunContext ctx) {
        List<String> all = new ArrayList<>();
        inputs.forEach(t -> all.addAll(t.values()));
        List<float[]> vectors = embed(all, ctx);
        List<Embeddings> out = new ArrayList<>(inputs.size());
        int next = 0;
        for (Texts t : inputs) {
            out.add(new Embeddings(vectors.subList(next, next + t.size())));
            next += t.size();
        }
        return out;
    }

    /** Whether the model's output is already one vector per text ({@code [N, D]}), so no pooling happens here. */
    public boolean pooledOutput() {
        return pooled;
    }

    /** The token ids a text is fed as: e.g. {@code [CLS]}, its pieces cut to fit, {@code [SEP]}. */
    public long[] tokenIds(String text) {
        return tokenizer.sequence(text, maxTokens);
    }

    private List<float[]> embed(List<String> texts, RunContext ctx) {
        List<float[]> out = new ArrayList<>(texts.size());
        for (int start = 0; start < texts.size(); start += CHUNK) {
            if (ctx.cancelled().getAsBoolean()) {
                throw new CancellationException("embedding was cancelled");
            }
            List<long[]> ids = new ArrayList<>();
            texts.subList(start, Math.min(texts.size(), start + CHUNK)).forEach(t -> ids.add(tokenIds(t)));
            out.addAll(runChunk(ids));
        }
        return out;
    }

    private List<float[]> runChunk(List<long[]> sequences) {
        int n = sequences.size();
        int len = sequences.stream().mapToInt(s -> s.length).max().orElse(0);
        long[] ids = new long[n * len];
        Arrays.fill(ids, tokenizer.padId());
        long[] mask = new long[n * len];
        for (int i = 0; i < n; i++) {
            long[] s = sequences.get(i);
            System.arraycopy(s, 0, ids, i * len, s.length);
            Arrays.fill(mask, i * len, i * len + s.length, 1L);
        }
        long[] shape = {n, len};
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            feed.put(INPUT_IDS, OnnxTensor.createTensor(OnnxSessions.environment(), LongBuffer.wrap(ids), shape));
            feed.put(ATTENTION_MASK, OnnxTensor.createTensor(OnnxSessions.environment(), LongBuffer.wrap(mask), shape));
            if (typeIds) {
                feed.put(TOKEN_TYPE_IDS, OnnxTensor.createTensor(OnnxSessions.environment(), LongBuffer.wrap(new long[n * len]), shape));
            }
            try (OrtSession.Result result = session.run(feed, Set.of(output))) {
                OnnxTensor t = (OnnxTensor) result.get(output).orElseThrow();
                return pooled ? Vectors.rows(t, n, normalize) : meanPool(t.getFloatBuffer(), mask, n, len);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run the embedder: " + e.getMessage(), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    /** The average of the token vectors the mask keeps (padding is left out), per sequence. */
    private List<float[]> meanPool(FloatBuffer buf, long[] mask, int n, int len) {
        int d = buf.remaining() / (n * len);
        List<float[]> out = new ArrayList<>(n);
        float[] token = new float[d];
        for (int i = 0; i < n; i++) {
            double[] sum = new double[d];
            int count = 0;
            for (int t = 0; t < len; t++) {
                buf.get(token);
                if (mask[i * len + t] != 0) {
                    count++;
                    for (int k = 0; k < d; k++) {
                        sum[k] += token[k];
                    }
                }
            }
            float[] v = new float[d];
            for (int k = 0; k < d; k++) {
                v[k] = (float) (sum[k] / Math.max(count, 1));
            }
            out.add(normalize ? Vectors.normalized(v) : v);
        }
        return out;
    }

    @Override
    public void close() {
        OnnxSessions.close(session);
    }
}
