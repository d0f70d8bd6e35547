package org.chimp.chain.sequencer;

/**
 * What the chain asked for: one JobCreated log, as read. It is the whole request a job is answered for, so a
 * reorganisation that puts another log under the same job id replaces it as a whole (a new generation).
 *
 * @param contract     the oracle's address (compared case-insensitively; stored in lower case)
 * @param jobId        the oracle's job id (a uint256, in decimal)
 * @param modelId      the oracle's model id (a uint256, in decimal)
 * @param fingerprint  sha256 of the log's topics and data: tells two requests under one id apart, whatever block
 *                     they are in
 * @param deadline     the job's deadline as the contract states it (block timestamp, seconds)
 * @param createdBlock the block the log was read from
 * @param createdTx    the transaction that emitted it
 * @param inputHex     the model's input, hex without {@code 0x}
 * @param seed         the request's seed (a uint256, in decimal)
 */
public record ChainRequest(long chainId, String contract, String jobId, String modelId, String requester, String fingerprint,
                           long deadline, long createdBlock, String createdTx, String inputHex, String seed) {

    /** The job's identity: chain id + contract + job id (see {@link ChainJob#key}). */
    public String key() {
        return ChainJob.key(chainId, contract, jobId);
    }
}
