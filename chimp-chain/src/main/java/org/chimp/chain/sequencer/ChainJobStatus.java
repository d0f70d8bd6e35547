package org.chimp.chain.sequencer;

import java.time.Instant;

/**
 * Where a job stands for the sequencer: what changes as it is queued, answered, settled or queued again, apart
 * from the answer itself ({@link ChainAnswer}).
 *
 * @param generation bumped whenever the job is queued again (another request under its id, or its transaction
 *                   was reorganised away); updates name the generation they are for, so a stale run changes nothing
 * @param chimpJobId the CHIMP job that runs this generation; null until it is submitted
 * @param error      why it failed (the reason sent in a {@code fail} transaction, or that the transaction reverted)
 * @param createdAt  when the sequencer first recorded the job
 * @param updatedAt  when the row last changed
 */
public record ChainJobStatus(ChainJob.State state, int generation, String chimpJobId, String error, Instant createdAt,
                             Instant updatedAt) {
}
