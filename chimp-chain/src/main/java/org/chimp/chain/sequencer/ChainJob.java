package org.chimp.chain.sequencer;

import java.time.Instant;

/**
 * What the sequencer knows about one on-chain job.
 *
 * @param key         chain id + contract + job id: the job's identity
 * @param fingerprint sha256 of its JobCreated log; changes when a reorganisation puts another request under the id
 * @param generation  bumped whenever the job is queued again (new fingerprint, or its transaction was reorganised away)
 * @param txKind      {@code fulfill} or {@code fail} once a transaction was signed for it
 * @param txBlock     the block the transaction was mined in, once known
 */
public record ChainJob(String key, long chainId, String contract, String jobId, String modelId, String requester,
                       String fingerprint, long deadline, long createdBlock, String createdTx, String inputHex, String seed, int generation,
                       String chimpJobId, State state, String outputHash, String outputUri, String txKind,
                       String txHash, Long txNonce, String txRaw, Long txBlock, String error, Instant createdAt,
                       Instant updatedAt) {

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

    public static String key(long chainId, String contract, String jobId) {
        return chainId + ":" + contract.toLowerCase(java.util.Locale.ROOT) + ":" + jobId;
    }
}
