package org.chimp.training.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.chimp.api.ModelConfig;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.TestDatabases;
import org.chimp.jobs.Backoff;
import org.chimp.jobs.Job;
import org.chimp.jobs.JobService;
import org.chimp.jobs.JobState;
import org.chimp.jobs.Worker;
import org.chimp.jobs.WorkerOptions;
import org.chimp.jobs.embedded.EmbeddedBroker;
import org.chimp.store.ArtifactStore;
import org.chimp.store.DatasetStore;
import org.chimp.store.FileBlobStore;
import org.chimp.store.UploadLimits;
import org.chimp.tracking.Metric;
import org.chimp.tracking.Run;
import org.chimp.tracking.RunStatus;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.registry.Lineage;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.tracking.registry.ModelVersion;
import org.chimp.training.PluginInfo;
import org.chimp.training.TrainingContext;
import org.chimp.training.TrainingPlugin;
import org.chimp.training.TrainingResult;
import org.chimp.training.imageclassifier.ImageClassifierPlugin;
import org.chimp.training.sample.SyntheticFaces;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Submit → queue → worker → plugin → tracking and registry, with the real store, tracking and jobs modules. */
class TrainingEndToEndTest {
    /** Fails as a plugin can: with bad input, after the run started. */
    static final class BrokenPlugin implements TrainingPlugin {
        @Override
        public PluginInfo info() {
            return new PluginInfo("broken", "1", "always fails", List.of(), List.of(), null);
        }

        @Override
        public TrainingResult run(TrainingContext ctx) {
            ctx.logParams(Map.of("started", "yes"));
            throw ClientErrorException.invalid("This dataset cannot work");
        }
    }

    /** Fails as a bug does, with a message naming a server path. */
    static final class LeakyPlugin implements TrainingPlugin {
        @Override
        public PluginInfo info() {
            return new PluginInfo("leaky", "1", "fails with a path", List.of(), List.of(), null);
        }

        @Override
        public TrainingResult run(TrainingContext ctx) throws Exception {
            throw new java.io.IOException(ctx.tempDir().resolve("weights.bin") + ": No space left on device");
        }
    }

    @TempDir
    Path tmp;

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void trainsRegistersAndReportsThroughTheQueue(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open(); EmbeddedBroker broker = new EmbeddedBroker(ds)) {
            FileBlobStore blobs = new FileBlobStore(tmp.resolve("blobs"));
            DatasetStore datasets = new DatasetStore(ds, blobs, UploadLimits.defaults());
            TrackingStore tracking = new TrackingStore(ds, blobs);
            ModelRegistry registry = new ModelRegistry(ds, new ArtifactStore(blobs, tmp.resolve("cache")));
            JobService jobs = new JobService(ds, broker);
            PluginRegistry plugins = new PluginRegistry(List.of(new ImageClassifierPlugin(), new BrokenPlugin(), new LeakyPlugin()));
            TrainingService service = new TrainingService(plugins, datasets, jobs);

            Path zip = tmp.resolve("faces.zip");
            SyntheticFaces.writeZip(zip, 20, 6, 11);
            try (InputStream in = Files.newInputStream(zip)) {
                datasets.upload("faces", in);
            }
            Job task = service.submit("image-classifier", Map.of("epochs", "20", "experiment_name", "faces-exp"), "{\"train\": \"faces\"}");
            Job broken = service.submit("broken", Map.of(), "{}");
            Job leaky = service.submit("leaky", Map.of(), "{}");
            // A newer upload after submission must not change what the queued task trains on.
            try (InputStream in = Files.newInputStream(zip)) {
                datasets.upload("faces", in);
            }
            assertThat(task.payload().get("datasets").get("train").asText()).isEqualTo("faces@1");

            Path work = tmp.resolve("work");
            TrainingJobHandler handler = new TrainingJobHandler(plugins, datasets, tracking, registry, work);
            try (Worker worker = new Worker(jobs, broker, Map.of(TrainingService.JOB_TYPE, handler),
                    List.of(TrainingService.QUEUE), WorkerOptions.defaults().withGracePeriod(Duration.ofSeconds(5))
                    .withBackoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(100))))) {
                worker.start();
                task = awaitFinal(service, task.id());
                broken = awaitFinal(service, broken.id());
                leaky = awaitFinal(service, leaky.id());
            }

            assertThat(task.state()).as("error: %s", task.error()).isEqualTo(JobState.SUCCEEDED);
            JsonNode result = task.result();
            assertThat(result.get("model_name").asText()).isEqualTo("image-classifier");
            assertThat(result.get("model_version").asInt()).isEqualTo(1);
            assertThat(result.get("metrics").get("test_accuracy").asDouble()).isGreaterThan(0.4);
            assertThat(task.progress().fraction()).isEqualTo(1.0);

            Run run = tracking.getRun(result.get("run_id").asText());
            assertThat(run.info().status()).isEqualTo(RunStatus.FINISHED);
            assertThat(run.info().experimentId()).isEqualTo(result.get("experiment_id").asText())
                    .isEqualTo(tracking.getOrCreateExperiment("faces-exp"));
            assertThat(run.tags()).containsEntry(TrainingJobHandler.TASK_ID_TAG, task.id())
                    .containsEntry(TrainingJobHandler.PLUGIN_TAG, "image-classifier");
            assertThat(run.params()).containsEntry("epochs", "20").containsEntry("dataset.train", "faces@1")
                    .containsKey("dataset.train.content_hash").containsEntry("held_out", "test");
            List<Metric> val = tracking.metricHistory(run.info().runId(), "val_accuracy");
            assertThat(val).extracting(Metric::step).hasSize(20).contains(1L, 20L);

            ModelVersion version = registry.version("image-classifier", 1);
            assertThat(version.runId()).isEqualTo(run.info().runId());
            ModelConfig config = version.config();
            assertThat(config.task()).isEqualTo("image-classification");
            assertThat(config.architecture()).isEqualTo("onnx-classifier");
            assertThat(config.parameters().get("labels")).hasSize(5);
            assertThat(config.parameters().get("preprocessing").get("width").asInt()).isEqualTo(48);
            assertThat(config.artifacts()).containsKey("weights");

            // Lineage: what the version was trained on, by which plugin, with which arguments.
            Lineage lineage = new Lineage(ds);
            var origin = lineage.of("image-classifier", 1).orElseThrow();
            assertThat(origin.at("/datasets/train/ref").asText()).isEqualTo("faces@1");
            assertThat(origin.at("/datasets/train/content_hash").asText()).isEqualTo(datasets.resolve("faces@1").contentHash());
            assertThat(origin.get("plugin").asText()).isEqualTo("image-classifier");
            assertThat(origin.get("plugin_version").asText()).isNotBlank();
            assertThat(origin.at("/arguments/epochs").asInt()).isEqualTo(20);
            assertThat(origin.get("parent").isNull()).isTrue();
            assertThat(lineage.of("image-classifier", 2)).isEmpty();
            assertThat(lineage.modelVersionsUsing("faces@1")).containsExactly("model image-classifier version 1");
            assertThat(lineage.modelVersionsUsing("faces@2")).isEmpty();
            datasets.setUsage(v -> lineage.modelVersionsUsing(v.ref()));
            assertThatThrownBy(() -> datasets.delete("faces", "1", false)).hasMessageContaining("model image-classifier version 1");
            datasets.delete("faces", "2", false);

            assertThat(broken.state()).isEqualTo(JobState.FAILED);
            assertThat(broken.error()).contains("This dataset cannot work");
            Run brokenRun = tracking.searchRuns(List.of(tracking.getOrCreateExperiment("broken")), 10, 0).get(0);
            assertThat(brokenRun.info().status()).isEqualTo(RunStatus.FAILED);
            assertThat(brokenRun.params()).containsEntry("started", "yes");
            // A bug's message stays in the server log: the poller sees an incident id, no path.
            assertThat(leaky.state()).isEqualTo(JobState.FAILED);
            assertThat(leaky.attempts()).isEqualTo(leaky.maxAttempts());
            String polled = org.chimp.http.Json.MAPPER.writeValueAsString(org.chimp.training.http.TaskStatusView.of(leaky));
            assertThat(polled).contains("incident").doesNotContain(tmp.toString(), "weights.bin", "No space");
            // Every task's temp directory is gone.
            try (var left = Files.list(work)) {
                assertThat(left).isEmpty();
            }
        }
    }

    /**
     * A worker killed mid-training (simulated: the task running as attempt 1 on a worker with no heartbeat, its run
     * RUNNING, its directory left): the next attempt runs on another worker, attempt 1's run ends FAILED, as MLflow
     * marks it, and no directory stays.
     */
    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aKilledAttemptsRunEndsFailedAndItsDirectoryGoesWhenTheTaskIsTakenOver(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open(); EmbeddedBroker broker = new EmbeddedBroker(ds, Duration.ofMillis(300))) {
            FileBlobStore blobs = new FileBlobStore(tmp.resolve("blobs"));
            DatasetStore datasets = new DatasetStore(ds, blobs, UploadLimits.defaults());
            TrackingStore tracking = new TrackingStore(ds, blobs);
            ModelRegistry registry = new ModelRegistry(ds, new ArtifactStore(blobs, tmp.resolve("cache")));
            JobService jobs = new JobService(ds, broker);
            PluginRegistry plugins = new PluginRegistry(List.of(new QuickPlugin()));
            TrainingService service = new TrainingService(plugins, datasets, jobs);
            String id = service.submit("quick", Map.of(), "{}").id();
            // What the killed worker left: the job running as its attempt 1, a RUNNING run, a temp directory.
            org.chimp.db.Jdbc.withConnection(ds, c -> org.chimp.db.Sql.update(c, "UPDATE jobs_jobs SET state = 'RUNNING', "
                    + "attempts = 1, worker_id = 'killed-worker', started_at = ? WHERE id = ?",
                    java.time.Instant.now().minusSeconds(600), id));
            Run killed = tracking.getRun(tracking.startRun(tracking.getOrCreateExperiment("quick"), "quick-" + id,
                    Map.of(TrainingJobHandler.TASK_ID_TAG, id)).id());
            Path work = tmp.resolve("work");
            Path left = Files.createDirectories(work.resolve("training-" + id + "-a1-42/work"));
            Files.writeString(left.resolve("partial.bin"), "x");

            TrainingJobHandler handler = new TrainingJobHandler(plugins, datasets, tracking, registry, work);
            Job task;
            try (Worker worker = new Worker(jobs, broker, Map.of(TrainingService.JOB_TYPE, handler),
                    List.of(TrainingService.QUEUE), WorkerOptions.defaults().withGracePeriod(Duration.ofSeconds(5))
                    .withBackoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(100))))) {
                worker.start();
                task = awaitFinal(service, id);
            }
            assertThat(task.state()).as("error: %s", task.error()).isEqualTo(JobState.SUCCEEDED);
            assertThat(task.attempts()).isEqualTo(2);
            assertThat(tracking.getRun(killed.info().runId()).info().status()).isEqualTo(RunStatus.FAILED);
            assertThat(tracking.getRun(task.result().get("run_id").asText()).info().status()).isEqualTo(RunStatus.FINISHED);
            try (var dirs = Files.list(work)) {
                assertThat(dirs).isEmpty();
            }
        }
    }

    /** Succeeds at once, registering nothing. */
    static final class QuickPlugin implements TrainingPlugin {
        @Override
        public PluginInfo info() {
            return new PluginInfo("quick", "1", "succeeds", List.of(), List.of(), null);
        }

        @Override
        public TrainingResult run(TrainingContext ctx) {
            return new TrainingResult(ctx.runId(), "quick", null, Map.of());
        }
    }

    private static Job awaitFinal(TrainingService service, String id) {
        return Awaitility.await().alias("task " + id + " finished").atMost(Duration.ofSeconds(120)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50)).until(() -> service.task(id).orElseThrow(), job -> job.state().isFinal());
    }
}
