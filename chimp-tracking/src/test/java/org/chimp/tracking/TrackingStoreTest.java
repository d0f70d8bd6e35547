package org.chimp.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.TestDatabases;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TrackingStoreTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void experimentsHaveUniqueNamesAndTheDefaultExists(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            TrackingStore store = new TrackingStore(ds, new MemoryBlobStore());
            assertThat(store.getExperiment("0").name()).isEqualTo("Default");
            assertThat(store.getExperimentByName("Default").artifactLocation()).isEqualTo("mlflow-artifacts:/0");

            String id = store.getOrCreateExperiment("faces");
            assertThat(store.getOrCreateExperiment("faces")).isEqualTo(id);
            assertThat(id).isNotEqualTo("0");
            Experiment e = store.getExperiment(id);
            assertThat(e.artifactLocation()).isEqualTo("mlflow-artifacts:/" + id);
            assertThat(e.lifecycleStage()).isEqualTo("active");

            String tagged = store.createExperiment("tagged", null, Map.of("team", "vision"));
            assertThat(store.getExperiment(tagged).tags()).containsEntry("team", "vision");
            assertThatThrownBy(() -> store.createExperiment("faces", null, Map.of()))
                    .isInstanceOfSatisfying(ClientErrorException.class, x -> assertThat(x.status()).isEqualTo(409));
            assertThat(store.searchExperiments(10, 0)).extracting(Experiment::name).containsExactly("tagged", "faces", "Default");
            assertThat(store.searchExperiments(1, 1)).extracting(Experiment::name).containsExactly("faces");
            assertNotFound(() -> store.getExperiment("999"));
            assertNotFound(() -> store.getExperiment("abc"));
            assertNotFound(() -> store.getExperimentByName("nope"));
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void runsLogParamsMetricsTagsAndEnd(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            TrackingStore store = new TrackingStore(ds, new MemoryBlobStore());
            ActiveRun run = store.startRun(store.getOrCreateExperiment("faces"), "first", Map.of("source", "test"));
            assertThat(run.id()).matches("[0-9a-f]{32}");
            assertThat(run.artifactUri()).isEqualTo("mlflow-artifacts:/" + run.experimentId() + "/" + run.id() + "/artifacts");

            run.logParam("lr", "0.01");
            run.logParams(Map.of("epochs", "3", "lr", "0.01"));
            run.logMetric("loss", 0.9, 0);
            run.logMetric("loss", 0.5, 1);
            run.setTag("source", "retagged");
            Run got = store.getRun(run.id());
            assertThat(got.info().status()).isEqualTo(RunStatus.RUNNING);
            assertThat(got.info().endTime()).isNull();
            assertThat(got.info().runName()).isEqualTo("first");
            assertThat(got.params()).isEqualTo(Map.of("lr", "0.01", "epochs", "3"));
            assertThat(got.tags()).containsEntry("source", "retagged").containsEntry(TrackingStore.RUN_NAME_TAG, "first");
            assertThat(got.metrics()).singleElement().satisfies(m -> {
                assertThat(m.value()).isEqualTo(0.5);
                assertThat(m.step()).isEqualTo(1);
            });

            run.end(true);
            RunInfo ended = store.getRun(run.id()).info();
            assertThat(ended.status()).isEqualTo(RunStatus.FINISHED);
            assertThat(ended.endTime()).isNotNull().isGreaterThanOrEqualTo(ended.startTime());

            RunInfo renamed = store.updateRun(run.id(), null, null, "renamed");
            assertThat(renamed.runName()).isEqualTo("renamed");
            assertThat(renamed.status()).isEqualTo(RunStatus.FINISHED);
            assertThat(store.getRun(run.id()).tags()).containsEntry(TrackingStore.RUN_NAME_TAG, "renamed");
            assertThat(store.searchRuns(List.of(run.experimentId()), 10, 0)).extracting(r -> r.info().runId()).containsExactly(run.id());
            assertNotFound(() -> store.getRun("0123456789abcdef0123456789abcdef"));
            assertNotFound(() -> store.startRun("424242", null, Map.of()));
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void paramsAreImmutable(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            TrackingStore store = new TrackingStore(ds, new MemoryBlobStore());
            ActiveRun run = store.startRun("0", null, Map.of());
            run.logParam("lr", "0.01");
            run.logParam("lr", "0.01");
            assertThatThrownBy(() -> run.logParam("lr", "0.02"))
                    .isInstanceOfSatisfying(ClientErrorException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("lr", "0.01", "0.02");
                    });
            assertThat(store.getRun(run.id()).params()).isEqualTo(Map.of("lr", "0.01"));
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void metricHistoryIsOrderedByStepThenTime(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            TrackingStore store = new TrackingStore(ds, new MemoryBlobStore());
            String runId = store.startRun("0", null, Map.of()).id();
            store.logMetric(runId, new Metric("acc", 0.7, 300, 2));
            store.logMetric(runId, new Metric("acc", 0.5, 100, 0));
            store.logMetric(runId, new Metric("acc", 0.6, 200, 1));
            store.logMetric(runId, new Metric("acc", 0.65, 250, 1));
            store.logMetric(runId, new Metric("other", 1, 100, 0));
            assertThat(store.metricHistory(runId, "acc")).extracting(Metric::value).containsExactly(0.5, 0.6, 0.65, 0.7);
            assertThat(store.metricHistory(runId, "none")).isEmpty();
            // The latest value is the one at the highest step, not the one logged last.
            store.logMetric(runId, new Metric("acc", 0.1, 50, 0));
            assertThat(store.getRun(runId).metrics()).contains(new Metric("acc", 0.7, 300, 2));
            assertNotFound(() -> store.metricHistory("0123456789abcdef0123456789abcdef", "acc"));
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aBatchWithOneBadEntryStoresNothing(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            TrackingStore store = new TrackingStore(ds, new MemoryBlobStore());
            String runId = store.startRun("0", null, Map.of()).id();
            store.logParam(runId, "lr", "0.01");
            List<Metric> metrics = List.of(new Metric("loss", 1, 1, 0), new Metric("loss", 0.5, 2, 1));

            // Rejected while writing: a param changes value, after metrics and other params were accepted.
            assertThatThrownBy(() -> store.logBatch(runId, metrics, Map.of("a", "1", "lr", "0.5"), Map.of("t", "x")))
                    .isInstanceOf(ClientErrorException.class);
            // Rejected by the checks: an invalid key.
            assertThatThrownBy(() -> store.logBatch(runId, metrics, Map.of(), Map.of("../escape", "x")))
                    .isInstanceOf(ClientErrorException.class);
            Run run = store.getRun(runId);
            assertThat(run.params()).isEqualTo(Map.of("lr", "0.01"));
            assertThat(run.metrics()).isEmpty();
            assertThat(run.tags()).doesNotContainKey("t");
            assertThat(store.metricHistory(runId, "loss")).isEmpty();

            store.logBatch(runId, metrics, Map.of("a", "1", "lr", "0.01"), Map.of("t", "x"));
            run = store.getRun(runId);
            assertThat(run.params()).isEqualTo(Map.of("a", "1", "lr", "0.01"));
            assertThat(run.tags()).containsEntry("t", "x");
            assertThat(store.metricHistory(runId, "loss")).hasSize(2);
            assertThat(run.metrics()).containsExactly(new Metric("loss", 0.5, 2, 1));
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void artifactsLiveUnderTheRunsArtifactRoot(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open()) {
            MemoryBlobStore blobs = new MemoryBlobStore();
            TrackingStore store = new TrackingStore(ds, blobs);
            ActiveRun run = store.startRun("0", null, Map.of());
            Path file = Files.writeString(tmp.resolve("model.onnx"), "weights");
            run.logArtifact("model/model.onnx", file);
            run.logArtifact("notes.txt", "hello".getBytes(StandardCharsets.UTF_8));

            // Content-addressed (see RunArtifactsTest): the bytes under their sha256, nothing under the path.
            assertThat(blobs.list("artifacts/sha256/")).hasSize(2);
            assertThat(blobs.exists("artifacts/0/" + run.id() + "/artifacts/model/model.onnx")).isFalse();
            assertThat(store.listArtifacts(run.id())).containsExactly("model/model.onnx", "notes.txt");
            try (InputStream in = store.openArtifact(run.id(), "model/model.onnx")) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("weights");
            }
            assertNotFound(() -> store.openArtifact(run.id(), "missing.bin"));
            for (String bad : List.of("../x", "/abs", "a//b", "a/./b", "")) {
                assertThatThrownBy(() -> run.logArtifact(bad, file)).as(bad).isInstanceOfSatisfying(ClientErrorException.class,
                        e -> assertThat(e.status()).isEqualTo(400));
            }
            assertThatThrownBy(() -> run.logArtifact("x.bin", tmp.resolve("absent"))).isInstanceOf(ClientErrorException.class);
        }
    }

    static void assertNotFound(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(404));
    }


    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void runsLeftRunningCanBeEndedByTag(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            TrackingStore store = new TrackingStore(ds, new MemoryBlobStore());
            String exp = store.getOrCreateExperiment("takeover");
            ActiveRun dead = store.startRun(exp, "attempt-1", Map.of("task", "t1"));
            ActiveRun done = store.startRun(exp, "attempt-0", Map.of("task", "t1"));
            done.end(true);
            ActiveRun other = store.startRun(exp, "other", Map.of("task", "t2"));
            assertThat(store.endRunningRunsTagged("task", "t1", RunStatus.FAILED)).isEqualTo(1);
            assertThat(store.getRun(dead.id()).info().status()).isEqualTo(RunStatus.FAILED);
            assertThat(store.getRun(dead.id()).info().endTime()).isNotNull();
            assertThat(store.getRun(done.id()).info().status()).isEqualTo(RunStatus.FINISHED);
            assertThat(store.getRun(other.id()).info().status()).isEqualTo(RunStatus.RUNNING);
            other.end(RunStatus.KILLED);
            assertThat(store.getRun(other.id()).info().status()).isEqualTo(RunStatus.KILLED);
            assertThat(store.endRunningRunsTagged("task", "t2", RunStatus.FAILED)).isZero();
        }
    }
}
