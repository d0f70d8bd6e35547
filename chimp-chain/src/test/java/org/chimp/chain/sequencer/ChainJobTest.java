package org.chimp.chain.sequencer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.RecordComponent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A chain job's parts and the accessors that read through them. */
class ChainJobTest {
    private static final ChainJob JOB = new ChainJob(
            new ChainRequest(31337, "0xabcd", "5", "6", "0xreq", "fp", 1000, 10, "0xcreated", "00ff", "7"),
            new ChainJobStatus(ChainJob.State.SENT, 2, "job-a", "why", Instant.ofEpochSecond(1), Instant.ofEpochSecond(2)),
            new ChainAnswer("0xout", "uri", "fulfill", "0xsent", 3L, "0xraw", 11L));

    @Test
    void everyFieldOfEveryPartIsReadThroughTheAccessorOfTheSameName() throws Exception {
        for (Record part : new Record[] {JOB.request(), JOB.status(), JOB.answer()}) {
            for (RecordComponent component : part.getClass().getRecordComponents()) {
                Object value = component.getAccessor().invoke(part);
                assertThat(ChainJob.class.getMethod(component.getName()).invoke(JOB)).as(component.getName()).isEqualTo(value);
            }
        }
        assertThat(JOB.key()).isEqualTo("31337:0xabcd:5").isEqualTo(ChainJob.key(31337, "0xABCD", "5"));
    }

    @Test
    void aJobNeedsAllThreeParts() {
        assertThatThrownBy(() -> new ChainJob(JOB.request(), JOB.status(), null)).isInstanceOf(IllegalArgumentException.class);
    }
}
