package org.chimp.models.generation;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.chimp.api.RunContext;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.generation.Generation;
import org.chimp.api.generation.GenerationRequest;
import org.chimp.api.generation.TextStreamer;
import org.chimp.models.onnx.OnnxSessions;
import org.chimp.models.text.ByteLevelBpeTokenizer;

/**
 * A decoder-only language model in ONNX Runtime (see {@link DecoderSignature} for the layout). The prompt runs
 * once; with a KV cache every further step feeds only the new token and the previous step's {@code present}
 * tensors, without one (or with {@code useCache} off) each step re-reads the whole sequence. Generation stops at
 * the end-of-sequence token, after {@code max_tokens}, when the context window is full, or when the run is
 * cancelled. Thread-safe: each call keeps its own state, and {@link OrtSession#run} may be called concurrently.
 */
public final class OnnxDecoder implements TextStreamer {
    private final OrtSession session;
    private final DecoderSignature signature;
    private final ByteLevelBpeTokenizer tokenizer;
    private final int eos;
    private final int maxContext;
    private final int maxNewTokens;
    private final boolean useCache;

    private OnnxDecoder(OrtSession session, DecoderSignature signature, ByteLevelBpeTokenizer tokenizer, int eos,
                        int maxContext, int maxNewTokens, boolean useCache) {
        this.session = session;
        this.signature = signature;
        this.tokenizer = tokenizer;
        this.eos = eos;
        this.maxContext = maxContext;
        this.maxNewTokens = maxNewTokens;
        this.useCache = useCache && signature.cached();
    }

    /**
     * Opens the model, checks its signature and runs one greedy step, so a model that does not fit fails when
     * loaded (a 400, the session closed), not on the first request.
     *
     * @param eos          the end-of-sequence token id, or -1 for none
     * @param maxContext   the most tokens (prompt and generated) the model attends to
     * @param maxNewTokens the most tokens one request may generate
     */
    public static OnnxDecoder open(Path weights, ByteLevelBpeTokenizer tokenizer, int eos, int maxContext, int maxNewTokens,
                                   boolean useCache) {
        return OnnxSessions.openAndFit(weights, "The ONNX model", session -> {
            DecoderSignature signature = DecoderSignature.of(session.getInputInfo(), session.getOutputInfo());
            OnnxDecoder model = new OnnxDecoder(session, signature, tokenizer, eos, maxContext, maxNewTokens, useCache);
            model.checkRuns();
            return model;
        });
    }

    /** Generates; a character split over tokens reaches {@code onToken} once its last byte is generated. */
    @Override
    public Generation generate(GenerationRequest input, RunContext ctx, Consumer<String> onToken) {
        List<Integer> prompt = tokenizer.encode(input.prompt());
        if (input.maxTokens() > maxNewTokens) {
            throw ClientErrorException.invalid("'max_tokens' is " + input.maxTokens() + " but this model generates at most "
                    + maxNewTokens + " tokens per request; ask for fewer");
        }
        if (prompt.isEmpty()) { // possible with a tokenizer whose pattern drops whitespace
            throw ClientErrorException.invalid("The prompt has no tokens for this model's tokenizer; send some text");
        }
        if (prompt.size() >= maxContext) {
            throw ClientErrorException.invalid("The prompt is " + prompt.size() + " tokens long; this model's context holds "
                    + maxContext + " tokens, so the prompt must be shorter than that");
        }
        Sampler sampler = new Sampler(input.temperature(), input.topP(), input.seedOr(ctx.seed()));
        Utf8Stream text = new Utf8Stream();
        List<Integer> sequence = new ArrayList<>(prompt);
        Generation.FinishReason finish = Generation.FinishReason.LENGTH;
        int generated = 0;
        try (Steps steps = new Steps()) {
            float[] logits = steps.first(sequence);
            while (true) {
                if (ctx.cancelled().getAsBoolean()) {
                    finish = Generation.FinishReason.CANCELLED;
                    break;
                }
                int next = sampler.next(logits);
                if (next == eos) {
                    finish = Generation.FinishReason.EOS;
                    break;
                }
                sequence.add(next);
                generated++;
                String piece = text.add(tokenizer.bytes(next));
                if (!piece.isEmpty()) {
                    onToken.accept(piece);
                }
                if (generated >= input.maxTokens()) {
                    break;
                }
                if (sequence.size() >= maxContext) {
                    finish = Generation.FinishReason.CONTEXT;
                    break;
                }
                logits = steps.next(sequence);
            }
        }
        String rest = text.flush();
        if (!rest.isEmpty()) {
            onToken.accept(rest);
        }
        return new Generation(text.text(), generated, finish);
    }

    @Override
    public void close() {
        OnnxSessions.close(session);
    }

    private void checkRuns() {
        try (Steps steps = new Steps()) {
            float[] logits = steps.first(List.of(0));
            if (logits.length < tokenizer.vocabSize()) {
                throw ClientErrorException.invalid("The model's logits have " + logits.length + " entries but the tokenizer has "
                        + tokenizer.vocabSize() + " tokens; the tokenizer must belong to the model");
            }
            if (eos >= logits.length) {
                throw ClientErrorException.invalid("The end-of-sequence token id " + eos + " is beyond the model's " + logits.length + " logits");
            }
            if (useCache) {
                steps.next(List.of(0, 0));
            }
        } catch (IllegalStateException e) {
            String why = e.getCause() instanceof OrtException ort ? "ONNX Runtime could not run it (" + ort.getCode() + ")" : e.getMessage();
            throw ClientErrorException.invalid("The ONNX model does not fit an onnx-decoder: " + why, e);
        }
    }

    /**
     * The model calls of one generation. With the cache, the last result (whose {@code present} tensors feed the
     * next step) stays open until the next step has run, and is closed with this object.
     */
    private final class Steps implements AutoCloseable {
        private OrtSession.Result cache;

        /** Runs the prompt and returns the logits for the token after it. */
        float[] first(List<Integer> sequence) {
            return run(sequence, 0);
        }

        /** Returns the logits for the token after {@code sequence}, whose last token is new. */
        float[] next(List<Integer> sequence) {
            return run(sequence, useCache ? sequence.size() - 1 : 0);
        }

        /** Feeds {@code sequence} from {@code past} on (the earlier tokens come from the cache). */
        private float[] run(List<Integer> sequence, int past) {
            int s = sequence.size() - past;
            Map<String, OnnxTensor> feed = new HashMap<>();
            List<OnnxTensor> owned = new ArrayList<>();
            try {
                long[] ids = new long[s];
                long[] positions = new long[s];
                for (int i = 0; i < s; i++) {
                    ids[i] = sequence.get(past + i);
                    positions[i] = past + i;
                }
                long[] mask = new long[sequence.size()];
                java.util.Arrays.fill(mask, 1L);
                put(feed, owned, DecoderSignature.INPUT_IDS, ids, 1, s);
                put(feed, owned, DecoderSignature.ATTENTION_MASK, mask, 1, mask.length);
                if (signature.positionIds()) {
                    put(feed, owned, DecoderSignature.POSITION_IDS, positions, 1, s);
                }
                for (int l = 0; l < signature.layers(); l++) {
                    if (past > 0) {
                        feed.put(DecoderSignature.pastKey(l), present(DecoderSignature.presentKey(l)));
                        feed.put(DecoderSignature.pastValue(l), present(DecoderSignature.presentValue(l)));
                    } else {
                        long[] empty = {1, signature.heads(), 0, signature.headDim()};
                        for (String name : new String[] {DecoderSignature.pastKey(l), DecoderSignature.pastValue(l)}) {
                            OnnxTensor t = OnnxTensor.createTensor(OnnxSessions.environment(), FloatBuffer.allocate(0), empty);
                            owned.add(t);
                            feed.put(name, t);
                        }
                    }
                }
                OrtSession.Result result = session.run(feed);
                float[] logits = lastLogits(result, s);
                if (cache != null) {
                    cache.close();
                }
                cache = result;
                return logits;
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed to run the decoder: " + e.getMessage(), e);
            } finally {
                owned.forEach(OnnxTensor::close);
            }
        }

        private OnnxTensor present(String name) {
            return (OnnxTensor) cache.get(name).orElseThrow(() -> new IllegalStateException("the model returned no '" + name + "'"));
        }

        private float[] lastLogits(OrtSession.Result result, int s) {
            OnnxTensor t = (OnnxTensor) result.get(DecoderSignature.LOGITS).orElseThrow();
            FloatBuffer buf = t.getFloatBuffer();
            int vocab = buf.remaining() / s;
            float[] last = new float[vocab];
            buf.position((s - 1) * vocab);
            buf.get(last);
            return last;
        }

        @Override
        public void close() {
            if (cache != null) {
                cache.close();
                cache = null;
            }
        }
    }

    private static void put(Map<String, OnnxTensor> feed, List<OnnxTensor> owned, String name, long[] values, long... shape)
            throws OrtException {
        OnnxTensor t = OnnxTensor.createTensor(OnnxSessions.environment(), LongBuffer.wrap(values), shape);
        owned.add(t);
        feed.put(name, t);
    }
}
