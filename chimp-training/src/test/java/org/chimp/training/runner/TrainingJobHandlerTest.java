package org.chimp.training.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.chimp.db.TestDatabases;
import org.chimp.jobs.Job;
import org.chimp.jobs.JobSpec;
import org.chimp.jobs.JobStatus;
import org.chimp.jobs.JobOutcome;
import org.chimp.jobs.JobContext;
import org.chimp.jobs.JobState;
import org.chimp.store.ArtifactStore;
import org.chimp.store.DatasetStore;
import org.chimp.store.FileBlobStore;
import org.chimp.store.UploadLimits;
import org.chimp.tracking.ActiveRun;
import org.chimp.tracking.RunStatus;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.training.PluginInfo;
import org.chimp.training.ModelInfo;
import org.chimp.training.TrainingContext;
import org.chimp.training.TrainingPlugin;
import org.chimp.training.TrainingResult;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a training attempt leaves behind when it ends in any way, and how whoever takes over from a killed attempt
 * cleans up: a dead worker is simulated by a run left RUNNING and a directory left in the work directory.
 */
class TrainingJobHandlerTest {
    private static final String TASK = "0f4d2c1e-8a3b-4c5d-9e6f-a123b4567890";

    @TempDir
    Path tmp;

    /** Runs whatever the test sets, recording the run and temp directory it was given. */
    static final class ScriptedPlugin implements TrainingPlugin {
        final AtomicReference<String> run = new AtomicReference<>();
        final AtomicReference<Path> temp = new AtomicReference<>();
        final java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        volatile java.util.function.Function<TrainingContext, TrainingResult> body = ctx -> new TrainingResult(
                ctx.runId(), "m", null, Map.of());

        @Override
        public PluginInfo info() {
            return new PluginInfo("scripted", "1", "test", List.of(), List.of(), null);
        }

        @Override
        public TrainingResult run(TrainingContext ctx) {
            run.set(ctx.runId());
            temp.set(ctx.tempDir());
            return body.apply(ctx);
        }
    }

    private final class Setup implements AutoCloseable {
        final HikariDataSource ds;
        final TrackingStore tracking;
        final ScriptedPlugin plugin = new ScriptedPlugin();
        final Path work = tmp.resolve("work");
        final TrainingJobHandler handler;
        final ModelRegistry registry;

        Setup(TestDatabases.Kind kind) {
            ds = kind.open();
            FileBlobStore blobs = new FileBlobStore(tmp.resolve("blobs"));
            tracking = new TrackingStore(ds, blobs);
            registry = new ModelRegistry(ds, new ArtifactStore(blobs, tmp.resolve("cache")));
            handler = new TrainingJobHandler(new PluginRegistry(List.of(plugin)),
                    new DatasetStore(ds, blobs, UploadLimits.defaults()), tracking, registry, work);
        }

        /** A run and a directory as a killed attempt leaves them. */
        ActiveRun deadAttempt(String task, int attempt) throws Exception {
            Files.createDirectories(work.resolve("training-" + task + "-a" + attempt + "-123").resolve("work"))
                    .resolve("partial.bin");
            Files.writeString(work.resolve("training-" + task + "-a" + attempt + "-123").resolve("work/partial.bin"), "x");
            return tracking.startRun(tracking.getOrCreateExperiment("scripted"), "scripted-" + task,
                    Map.of(TrainingJobHandler.TASK_ID_TAG, task));
        }

        RunStatus status(ActiveRun run) {
            return status(run.id());
        }

        RunStatus status(String runId) {
            return tracking.getRun(runId).info().status();
        }

        List<Path> dirs() throws Exception {
            if (!Files.isDirectory(work)) {
                return List.of();
            }
            try (var s = Files.list(work)) {
                return s.toList();
            }
        }

        @Override
        public void close() {
            ds.close();
        }
    }

    private static Job job(String id, int attempts, JobState state) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("plugin", "scripted");
        payload.putObject("arguments");
        payload.putObject("datasets");
        return new Job(new JobSpec(id, "training", "training", payload, 3, 0, null, null, Instant.now()),
                new JobStatus(state, attempts, null, Instant.now(), null, false, null), JobOutcome.NONE);
    }

    private static JobContext context(Job job, AtomicBoolean cancelled) {
        return new JobContext() {
            @Override
            public Job job() {
                return job;
            }

            @Override
            public void progress(double fraction, String message) {
            }

            @Override
            public boolean cancelled() {
                return cancelled.get();
            }
        };
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void theNextAttemptEndsTheDeadAttemptsRunFailedAndRemovesItsDirectory(TestDatabases.Kind kind) throws Exception {
        try (Setup s = new Setup(kind)) {
            ActiveRun dead = s.deadAttempt(TASK, 1);
            ActiveRun otherTask = s.deadAttempt("11111111-2222-3333-4444-555555555555", 1);
            s.handler.handle(context(job(TASK, 2, JobState.RUNNING), new AtomicBoolean()));
            assertThat(s.status(dead)).isEqualTo(RunStatus.FAILED);
            assertThat(s.status(s.plugin.run.get())).isEqualTo(RunStatus.FINISHED);
            assertThat(s.plugin.temp.get().toString()).contains("training-" + TASK + "-a2-");
            assertThat(s.status(otherTask)).isEqualTo(RunStatus.RUNNING); // not this task's
            assertThat(s.dirs()).extracting(p -> p.getFileName().toString())
                    .containsExactly("training-11111111-2222-3333-4444-555555555555-a1-123");
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aCancelledTasksRunEndsKilledAndItsDirectoryGoes(TestDatabases.Kind kind) throws Exception {
        try (Setup s = new Setup(kind)) {
            AtomicBoolean cancelled = new AtomicBoolean();
            s.plugin.body = ctx -> {
                cancelled.set(true);
                if (ctx.cancelled()) {
                    throw new CancellationException("Training was cancelled in epoch 1");
                }
                throw new AssertionError("not cancelled");
            };
            assertThatThrownBy(() -> s.handler.handle(context(job(TASK, 1, JobState.RUNNING), cancelled)))
                    .isInstanceOf(CancellationException.class);
            assertThat(s.status(s.plugin.run.get())).isEqualTo(RunStatus.KILLED);
            assertThat(s.dirs()).isEmpty();
        }
    }

    /** Out of memory (or any error) in the plugin still ends the run and removes the attempt's directory. */
    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void anAttemptEndingInAnErrorEndsItsRunAndRemovesItsDirectory(TestDatabases.Kind kind) throws Exception {
        try (Setup s = new Setup(kind)) {
            s.plugin.body = ctx -> {
                throw new OutOfMemoryError("Java heap space");
            };
            assertThatThrownBy(() -> s.handler.handle(context(job(TASK, 1, JobState.RUNNING), new AtomicBoolean())))
                    .isInstanceOf(OutOfMemoryError.class);
            assertThat(s.status(s.plugin.run.get())).isEqualTo(RunStatus.FAILED);
            assertThat(s.dirs()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aDeadAttemptEndedUnrunEndsItsRunKilledIfCancelledElseFailed(TestDatabases.Kind kind) throws Exception {
        try (Setup s = new Setup(kind)) {
            String failed = "22222222-2222-3333-4444-555555555555";
            ActiveRun cancelledRun = s.deadAttempt(TASK, 1);
            ActiveRun failedRun = s.deadAttempt(failed, 3);
            s.handler.abandoned(job(TASK, 1, JobState.CANCELLED));
            s.handler.abandoned(job(failed, 3, JobState.FAILED));
            assertThat(s.status(cancelledRun)).isEqualTo(RunStatus.KILLED);
            assertThat(s.status(failedRun)).isEqualTo(RunStatus.FAILED);
            assertThat(s.dirs()).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aStartingWorkerRemovesDirectoriesOfTasksNotRunningAnywhere(TestDatabases.Kind kind) throws Exception {
        try (Setup s = new Setup(kind)) {
            String running = "33333333-2222-3333-4444-555555555555";
            s.deadAttempt(TASK, 1);
            s.deadAttempt(running, 2);
            Files.writeString(s.work.resolve("notes.txt"), "not ours");
            Files.createDirectories(s.work.resolve("other-dir"));
            s.handler.cleanUp(running::equals);
            assertThat(s.dirs()).extracting(p -> p.getFileName().toString())
                    .containsExactlyInAnyOrder("training-" + running + "-a2-123", "notes.txt", "other-dir");
        }
    }

    /** A job retried after its plugin registered the model (the worker died before finishing) registers no second version. */
    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aRetriedTaskRegistersItsModelOnce(TestDatabases.Kind kind) throws Exception {
        try (Setup s = new Setup(kind)) {
            s.plugin.body = ctx -> {
                try {
                    Path weights = Files.writeString(ctx.tempDir().resolve("model.onnx"), "weights of " + ctx.runId());
                    ModelInfo v = ctx.registerModel("faces", "image-classification", "onnx-classifier",
                            JsonNodeFactory.instance.objectNode(), Map.of("weights", weights), Map.of("origin", "test"));
                    if (s.plugin.attempts.incrementAndGet() == 1) {
                        throw new IllegalStateException("worker lost after registering");
                    }
                    return new TrainingResult(ctx.runId(), v.name(), v.version(), Map.of());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            assertThatThrownBy(() -> s.handler.handle(context(job(TASK, 1, JobState.RUNNING), new AtomicBoolean())))
                    .hasMessageContaining("worker lost");
            var result = s.handler.handle(context(job(TASK, 2, JobState.RUNNING), new AtomicBoolean()));
            assertThat(result.get("model_version").asInt()).isEqualTo(1);
            assertThat(s.registry.versions("faces", 10, 0)).hasSize(1);
            assertThat(s.registry.version("faces", 1).tags()).containsEntry(ModelRegistry.REGISTRATION_KEY_TAG, TASK)
                    .containsEntry("origin", "test");
            // Another task registers its own version.
            s.handler.handle(context(job("44444444-2222-3333-4444-555555555555", 1, JobState.RUNNING), new AtomicBoolean()));
            assertThat(s.registry.versions("faces", 10, 0)).hasSize(2);
        }
    }
}
