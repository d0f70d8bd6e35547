package org.chimp.chain.sequencer;

import java.time.Instant;
import java.util.Locale;

/**
 * What the sequencer knows about one on-chain job: what the chain asked for, where the job stands, and the
 * answer sent for it. Each is a record of its own, written at its own time: the request when its log is read (a
 * new request under the id resets the other two), the answer once, before its transaction is broadcast, and the
 * status as the job moves on. The accessors below read through them, so code that reads a job need not know which
 * part holds a field.
 */
public record ChainJob(ChainRequest request, ChainJobStatus status, ChainAnswer answer) {
    public ChainJob {
        if (request == null || status == null || answer == null) {
            throw new IllegalArgumentException("A chain job needs its request, status and answer (ChainAnswer.NONE until one is sent)");
        }
    }

    /** Where a job stands for the sequencer. */
    public enum State {
        /** A CHIMP job runs (or will run) it. */
        QUEUED,
        /** A transaction was signed and recorded; its receipt is awaited. */
        SENT,
        /** Our fulfil transaction succeeded. */
        FULFILLED,
        /** Our fail transaction succeeded (the model failed; the requester was refunded). */
        FAILED,
        /** The job ended on chain without our transaction (reclaimed, or answered by another sequencer). */
        CLOSED,
        /** Its deadline passed before an answer could be sent; the requester can reclaim the payment. */
        EXPIRED,
        /** The chain no longer has it (reorganised away and not requested again). */
        ORPHANED
    }

    /** A job's identity (its row's key): chain id + contract (in lower case) + job id. */
    public static String key(long chainId, String contract, String jobId) {
        return chainId + ":" + contract.toLowerCase(Locale.ROOT) + ":" + jobId;
    }

    public String key() {
        return request.key();
    }

    public long chainId() {
        return request.chainId();
    }

    public String contract() {
        return request.contract();
    }

    public String jobId() {
        return request.jobId();
    }

    public String modelId() {
        return request.modelId();
    }

    public String requester() {
        return request.requester();
    }

    public String fingerprint() {
        return request.fingerprint();
    }

    public long deadline() {
        return request.deadline();
    }

    public long createdBlock() {
        return request.createdBlock();
    }

    public String createdTx() {
        return request.createdTx();
    }

    public String inputHex() {
        return request.inputHex();
    }

    public String seed() {
        return request.seed();
    }

    public State state() {
        return status.state();
    }

    public int generation() {
        return status.generation();
    }

    public String chimpJobId() {
        return status.chimpJobId();
    }

    public String error() {
        return status.error();
    }

    public Instant createdAt() {
        return status.createdAt();
    }

    public Instant updatedAt() {
        return status.updatedAt();
    }

    public String outputHash() {
        return answer.outputHash();
    }

    public String outputUri() {
        return answer.outputUri();
    }

    public String txKind() {
        return answer.txKind();
    }

    public String txHash() {
        return answer.txHash();
    }

    public Long txNonce() {
        return answer.txNonce();
    }

    public String txRaw() {
        return answer.txRaw();
    }

    public Long txBlock() {
        return answer.txBlock();
    }
}
