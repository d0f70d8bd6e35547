package org.chimp.chain.http;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Locale;
import org.chimp.chain.sequencer.ChainJob;

/**
 * An on-chain job as {@code GET /chain/jobs} shows it: its ids on chain and in CHIMP, its state (lower case), the
 * request and answer transactions and the stored output; unknown fields are null.
 *
 * @param answerKind {@code fulfill} or {@code fail} once an answer was signed
 * @param deadline   the job's deadline as the contract states it
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ChainJobView(String jobId, String modelId, String requester, String state, String chimpJobId,
                           long createdBlock, String requestTx, String answerKind, String answerTx, String outputHash,
                           String outputUri, String error, long deadline) {

    public static ChainJobView of(ChainJob job) {
        return new ChainJobView(job.jobId(), job.modelId(), job.requester(), job.state().name().toLowerCase(Locale.ROOT),
                job.chimpJobId(), job.createdBlock(), job.createdTx(), job.txKind(), job.txHash(), job.outputHash(),
                job.outputUri(), job.error(), job.deadline());
    }
}
