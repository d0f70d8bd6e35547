package org.chimp.chain.sequencer;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import org.chimp.db.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The sequencer's tables on both databases. */
class ChainJobsTest {
    private static final String ORACLE = "0xAbCd000000000000000000000000000000000001";

    private static ChainRequest seen(String jobId, String fingerprint, long block) {
        return new ChainRequest(31337, ORACLE, jobId, "1", "0x01", fingerprint, 1000, block, "0xtx", "00ff", "7");
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aJobIsRecordedOnceAndAnotherRequestUnderItsIdIsANewGeneration(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            ChainJobs store = new ChainJobs(ds);
            ChainJob first = store.record(seen("5", "f1", 10)).orElseThrow();
            assertThat(first.key()).isEqualTo("31337:" + ORACLE.toLowerCase() + ":5");
            assertThat(first.generation()).isEqualTo(1);
            assertThat(first.inputHex()).isEqualTo("00ff");
            assertThat(store.record(seen("5", "f1", 10))).as("not linked yet: queued again").isPresent();
            store.linkChimpJob(first.key(), 1, "job-a");
            assertThat(store.record(seen("5", "f1", 10))).as("the same request read again").isEmpty();

            ChainJob replaced = store.record(seen("5", "f2", 11)).orElseThrow();
            assertThat(replaced.generation()).isEqualTo(2);
            assertThat(replaced.chimpJobId()).isNull();
            assertThat(replaced.createdBlock()).isEqualTo(11);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void theCursorIsKeptPerOracleAndJobsAnsweredAboveARewindAreQueuedAgain(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            ChainJobs store = new ChainJobs(ds);
            assertThat(store.cursor(31337, ORACLE)).isEmpty();
            store.saveCursor(31337, ORACLE, new ChainJobs.Cursor(12, "0xaa"));
            store.saveCursor(31337, ORACLE.toLowerCase(), new ChainJobs.Cursor(15, "0xbb"));
            assertThat(store.cursor(31337, ORACLE)).contains(new ChainJobs.Cursor(15, "0xbb"));
            assertThat(store.cursor(1, ORACLE)).isEmpty();

            ChainJob low = store.record(seen("1", "a", 3)).orElseThrow();
            ChainJob high = store.record(seen("2", "b", 4)).orElseThrow();
            store.linkChimpJob(low.key(), 1, "x");
            store.linkChimpJob(high.key(), 1, "y");
            store.recordTx(low.key(), 1, "fulfill", "0x1", 0, "0xraw1", "0xh", "uri", null);
            store.finish(low.key(), 1, ChainJob.State.FULFILLED, 5L, null);
            store.recordTx(high.key(), 1, "fulfill", "0x2", 1, "0xraw2", "0xh", "uri", null);
            assertThat(store.sent()).extracting(ChainJob::key).containsExactly(high.key());
            store.finish(high.key(), 1, ChainJob.State.FULFILLED, 9L, null);

            assertThat(store.requeueAbove(31337, ORACLE, 6)).extracting(ChainJob::key).containsExactly(high.key());
            ChainJob again = store.find(high.key()).orElseThrow();
            assertThat(again.state()).isEqualTo(ChainJob.State.QUEUED);
            assertThat(again.generation()).isEqualTo(2);
            assertThat(store.find(low.key()).orElseThrow().state()).isEqualTo(ChainJob.State.FULFILLED);
            assertThat(store.list(31337, ORACLE, 0, 10)).hasSize(2);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aRowReadsBackIntoItsRequestStatusAndAnswer(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            ChainJobs store = new ChainJobs(ds);
            ChainRequest request = new ChainRequest(31337, ORACLE.toLowerCase(), "9", "4", "0xreq", "f9", 2000, 12, "0xcreated", "0a0b", "42");
            assertThat(store.record(request).orElseThrow().answer()).isEqualTo(ChainAnswer.NONE);
            store.linkChimpJob(request.key(), 1, "job-9");
            store.recordTx(request.key(), 1, "fail", "0xsent", 3, "0xraw", "0xout", "uri-9", "model failed");
            store.finish(request.key(), 1, ChainJob.State.FAILED, 14L, null);

            ChainJob job = store.find(request.key()).orElseThrow();
            assertThat(job.request()).isEqualTo(request);
            assertThat(job.answer()).isEqualTo(new ChainAnswer("0xout", "uri-9", "fail", "0xsent", 3L, "0xraw", 14L));
            assertThat(job.status()).extracting(ChainJobStatus::state, ChainJobStatus::generation, ChainJobStatus::chimpJobId, ChainJobStatus::error)
                    .containsExactly(ChainJob.State.FAILED, 1, "job-9", "model failed");
            assertThat(job.status().updatedAt()).isAfterOrEqualTo(job.status().createdAt());
        }
    }
}
