package org.chimp.chain.sequencer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.chimp.chain.OracleCalls;
import org.chimp.chain.OracleCalls.ChainModel;
import org.chimp.chain.sequencer.ChainJob.State;
import org.chimp.chain.tx.Signer;
import org.chimp.jobs.JobContext;
import org.chimp.jobs.JobHandler;
import org.chimp.store.ArtifactStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * Runs one on-chain job: the model on its input, the output into the content-addressed store, then {@code fulfill}
 * (or {@code fail} when the model fails). Safe to run again after a crash at any point: the job's state on chain is
 * read before anything is sent, and a transaction recorded before a crash is re-sent as is, never replaced.
 */
public final class ChainJobHandler implements JobHandler {
    private static final Logger log = LoggerFactory.getLogger(ChainJobHandler.class);
    private static final int MAX_REASON = 200;

    private final ChainJobs store;
    private final OracleCalls oracle;
    private final Signer signer;
    private final SequencerConfig config;
    private final ArtifactStore artifacts;
    private final ChainInference inference;
    private final LogReader reader;
    private final Map<BigInteger, ChainModel> models = new ConcurrentHashMap<>();

    public ChainJobHandler(ChainJobs store, OracleCalls oracle, Signer signer, SequencerConfig config, ArtifactStore artifacts,
                           ChainInference inference, LogReader reader) {
        this.store = store;
        this.reader = reader;
        this.oracle = oracle;
        this.signer = signer;
        this.config = config;
        this.artifacts = artifacts;
        this.inference = inference;
    }

    @Override
    public JsonNode handle(JobContext ctx) throws Exception {
        String key = ctx.job().payload().path("key").asText();
        int generation = ctx.job().payload().path("generation").asInt();
        Optional<ChainJob> found = store.find(key);
        if (found.isEmpty() || found.get().generation() != generation) {
            return result("superseded", null);
        }
        ChainJob job = found.get();
        if (job.state() == State.QUEUED || job.state() == State.SENT) {
            Optional<String> canonical = reader.canonicalFingerprint(new BigInteger(job.jobId()), job.createdBlock() - reader.rewindDepth());
            if (canonical.isEmpty()) {
                store.finish(key, generation, State.ORPHANED, null, null);
                return result("orphaned", null);
            }
            if (!canonical.get().equals(job.fingerprint())) {
                // a reorganisation put another request under this id; the reader records it as a new generation
                return result("superseded", null);
            }
        }
        switch (job.state()) {
            case FULFILLED, FAILED, CLOSED, EXPIRED, ORPHANED:
                return result(job.state().name().toLowerCase(), job.txHash());
            case SENT:
                Optional<State> settled = settle(job);
                if (settled.isPresent()) {
                    return result(settled.get().name().toLowerCase(), job.txHash());
                }
                break; // the recorded transaction is gone and the job still open: answer anew
            default:
                break;
        }
        Optional<State> ended = endedOnChain(job);
        if (ended.isPresent()) {
            store.finish(key, generation, ended.get(), null, null);
            return result(ended.get().name().toLowerCase(), null);
        }

        BigInteger jobId = new BigInteger(job.jobId());
        ChainModel model = models.computeIfAbsent(new BigInteger(job.modelId()), id -> {
            try {
                return oracle.model(id);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String kind;
        String data;
        String outputHash = null;
        String outputUri = null;
        String error = null;
        try {
            byte[] output = inference.run(model, Numeric.hexStringToByteArray(job.inputHex()), new BigInteger(job.seed()));
            String ref = artifacts.put(output); // sha256:<hex>
            outputHash = "0x" + ref.substring("sha256:".length());
            outputUri = config.publicBaseUrl() + "/blobs/" + ref;
            kind = "fulfill";
            data = OracleCalls.fulfill(jobId, Numeric.hexStringToByteArray(outputHash), outputUri);
        } catch (ModelFailure failure) {
            error = cut(failure.getMessage());
            kind = "fail";
            data = OracleCalls.fail(jobId, error);
        } catch (Exception transientFailure) {
            if (ctx.job().attempts() < ctx.job().maxAttempts()) {
                throw transientFailure; // retried with backoff
            }
            // the last attempt: refund the requester now rather than leave the payment locked until the deadline
            error = cut("model unavailable: " + transientFailure.getMessage());
            kind = "fail";
            data = OracleCalls.fail(jobId, error);
        }
        return send(job, kind, data, outputHash, outputUri, error);
    }

    private JsonNode send(ChainJob job, String kind, String data, String outputHash, String outputUri, String error) throws Exception {
        Signer.Estimate estimate = signer.estimate(oracle.contract(), data);
        if (estimate instanceof Signer.Estimate.Reverts reverts) {
            Optional<State> ended = endedOnChain(job);
            if (ended.isPresent()) {
                store.finish(job.key(), job.generation(), ended.get(), null, null);
                return result(ended.get().name().toLowerCase(), null);
            }
            throw new IOException(kind + " would revert: " + reverts.reason());
        }
        BigInteger gasLimit = config.gas().limit(((Signer.Estimate.Gas) estimate).gas());
        Signer.Signed signed = signer.send(oracle.contract(), data, gasLimit, BigInteger.ZERO,
                (hash, nonce, raw) -> store.recordTx(job.key(), job.generation(), kind, hash, nonce, raw, outputHash, outputUri, error));
        ChainJob sent = store.find(job.key()).orElseThrow();
        Optional<State> settled = settle(sent);
        if (settled.isEmpty()) {
            throw new IOException("transaction " + signed.hash() + " for job " + job.jobId() + " was dropped; trying again");
        }
        return result(settled.get().name().toLowerCase(), signed.hash());
    }

    /**
     * Waits for the recorded transaction's receipt (re-sending it first, in case it never left before a crash).
     * Empty when it is gone and the job is still open on chain.
     */
    private Optional<State> settle(ChainJob job) throws Exception {
        Optional<TransactionReceipt> receipt = signer.web3j().ethGetTransactionReceipt(job.txHash()).send().getTransactionReceipt();
        if (receipt.isEmpty()) {
            signer.resend(job.txRaw());
            receipt = signer.awaitReceipt(job.txHash());
        }
        if (receipt.isPresent()) {
            long block = receipt.get().getBlockNumber().longValueExact();
            if (receipt.get().isStatusOK()) {
                State state = "fulfill".equals(job.txKind()) ? State.FULFILLED : State.FAILED;
                store.finish(job.key(), job.generation(), state, block, null);
                return Optional.of(state);
            }
            Optional<State> ended = endedOnChain(job);
            store.finish(job.key(), job.generation(), ended.orElse(State.CLOSED), block, "transaction reverted");
            log.warn("Transaction {} for chain job {} reverted", job.txHash(), job.jobId());
            return Optional.of(ended.orElse(State.CLOSED));
        }
        if (signer.isKnown(job.txHash())) {
            throw new IOException("transaction " + job.txHash() + " is still pending");
        }
        return endedOnChain(job);
    }

    /** The state to record if the job no longer needs an answer from us. */
    private Optional<State> endedOnChain(ChainJob job) throws IOException {
        int state = oracle.jobState(new BigInteger(job.jobId()));
        if (state == OracleCalls.NONE) {
            return Optional.of(State.ORPHANED);
        }
        if (state != OracleCalls.OPEN) {
            return Optional.of(State.CLOSED);
        }
        long now = signer.web3j().ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock().getTimestamp().longValueExact();
        return now > job.deadline() ? Optional.of(State.EXPIRED) : Optional.empty();
    }

    private static String cut(String message) {
        String m = message == null ? "model failed" : message;
        byte[] bytes = m.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= MAX_REASON ? m : new String(bytes, 0, MAX_REASON, StandardCharsets.UTF_8);
    }

    private static JsonNode result(String outcome, String txHash) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("outcome", outcome);
        if (txHash != null) {
            node.put("tx_hash", txHash);
        }
        return node;
    }
}
