package org.chimp.emotion.cnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.awaitility.Awaitility;
import org.chimp.api.ModelConfig;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.ImagePreprocessing;
import org.chimp.db.TestDatabases;
import org.chimp.jobs.Backoff;
import org.chimp.jobs.Job;
import org.chimp.jobs.JobRequest;
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
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.tracking.registry.ModelVersion;
import org.chimp.tracking.registry.Stage;
import org.chimp.training.TrainingPlugin;
import org.chimp.training.runner.PluginRegistry;
import org.chimp.training.runner.TrainingJobHandler;
import org.chimp.training.runner.TrainingService;
import org.chimp.training.sample.SyntheticFaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Submit → queue → worker → emotion-cnn → tracking and registry, and the arguments refused before queueing. */
class EmotionCnnPluginTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void isFoundByServiceLoader() {
        assertThat(ServiceLoader.load(TrainingPlugin.class).stream().map(p -> p.get().info().name()))
                .contains(EmotionCnnPlugin.NAME, "image-classifier");
    }

    @Test
    void trainsLogsEveryEpochRegistersAndStages() throws Exception {
        try (HikariDataSource ds = TestDatabases.h2(); EmbeddedBroker broker = new EmbeddedBroker(ds)) {
            FileBlobStore blobs = new FileBlobStore(tmp.resolve("blobs"));
            DatasetStore datasets = new DatasetStore(ds, blobs, UploadLimits.defaults());
            TrackingStore tracking = new TrackingStore(ds, blobs);
            ModelRegistry registry = new ModelRegistry(ds, new ArtifactStore(blobs, tmp.resolve("cache")));
            JobService jobs = new JobService(ds, broker);
            PluginRegistry plugins = new PluginRegistry(List.of(new EmotionCnnPlugin()));
            TrainingService service = new TrainingService(plugins, datasets, jobs);

            Path zip = tmp.resolve("faces.zip");
            SyntheticFaces.writeZip(zip, 12, 4, 5);
            try (InputStream in = Files.newInputStream(zip)) {
                datasets.upload("faces", in);
            }
            Job task = service.submit(EmotionCnnPlugin.NAME, Map.of("epochs", "2", "batch_size", "16", "promote", "staging"),
                    "{\"train\": \"faces\"}");
            // The second version goes through the gate: no Production version yet, so it is promoted, scored by ONNX Runtime.
            Job auto = service.submit(EmotionCnnPlugin.NAME, Map.of("epochs", "1", "batch_size", "16", "promote", "auto"),
                    "{\"train\": \"faces\"}");
            TrainingJobHandler handler = new TrainingJobHandler(plugins, datasets, tracking, registry, tmp.resolve("work"));
            try (Worker worker = new Worker(jobs, broker, Map.of(TrainingService.JOB_TYPE, handler),
                    List.of(TrainingService.QUEUE), WorkerOptions.defaults().withGracePeriod(Duration.ofSeconds(5))
                    .withBackoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(100))))) {
                worker.start();
                task = awaitFinal(service, task.id());
                auto = awaitFinal(service, auto.id());
            }
            assertThat(auto.state()).as("error: %s", auto.error()).isEqualTo(JobState.SUCCEEDED);
            ModelVersion promoted = registry.version("emotion", 2);
            assertThat(promoted.stage()).isEqualTo(Stage.PRODUCTION);
            assertThat(promoted.tags()).containsEntry("chimp.promotion.decision", "promoted").containsKey("chimp.promotion.candidate_accuracy");
            // The gate scores through ONNX Runtime what DJL measured: the same test images, the same accuracy.
            assertThat(Double.parseDouble(promoted.tags().get("chimp.promotion.candidate_accuracy")))
                    .isCloseTo(auto.result().get("metrics").get("test_accuracy").asDouble(), org.assertj.core.data.Offset.offset(0.051));

            assertThat(task.state()).as("error: %s", task.error()).isEqualTo(JobState.SUCCEEDED);
            JsonNode result = task.result();
            assertThat(result.get("model_name").asText()).isEqualTo("emotion");
            assertThat(result.get("metrics").get("test_accuracy").asDouble()).isBetween(0.0, 1.0);
            String runId = result.get("run_id").asText();
            Run run = tracking.getRun(runId);
            assertThat(run.info().status()).isEqualTo(RunStatus.FINISHED);
            assertThat(run.info().experimentId()).isEqualTo(tracking.getOrCreateExperiment(EmotionCnnPlugin.NAME));
            assertThat(run.params()).containsEntry("epochs", "2").containsEntry("batch_size", "16")
                    .containsEntry("augment", "true").containsEntry("model_class", "cnn").containsEntry("device", "cpu()")
                    .containsEntry("held_out", "test").containsEntry("test_images", "20").containsEntry("dataset.train", "faces@1");
            for (String key : List.of("train_loss", "train_accuracy", "val_loss", "val_accuracy")) {
                assertThat(tracking.metricHistory(runId, key)).as(key).extracting(Metric::step).containsExactly(1L, 2L);
            }
            List<Metric> testAccuracy = tracking.metricHistory(runId, "test_accuracy");
            assertThat(testAccuracy).hasSize(1);
            assertThat(testAccuracy.get(0).value()).isEqualTo(result.get("metrics").get("test_accuracy").asDouble());
            for (String label : List.of("angry", "happy", "neutral", "sad", "surprise")) {
                assertThat(tracking.metricHistory(runId, "precision_" + label)).hasSize(1);
                assertThat(tracking.metricHistory(runId, "recall_" + label)).hasSize(1);
            }

            JsonNode confusion;
            try (InputStream in = tracking.openArtifact(runId, EmotionCnnPlugin.CONFUSION_MATRIX)) {
                confusion = JSON.readTree(in);
            }
            assertThat(confusion.get("labels")).hasSize(5);
            assertThat(confusion.get("matrix")).hasSize(5);
            int total = 0;
            int right = 0;
            for (int i = 0; i < 5; i++) {
                JsonNode row = confusion.get("matrix").get(i);
                assertThat(row).hasSize(5);
                int rowSum = 0;
                for (JsonNode c : row) {
                    rowSum += c.asInt();
                }
                // Every test image is counted once, in the row of its true label.
                assertThat(rowSum).isEqualTo(4);
                total += rowSum;
                right += row.get(i).asInt();
            }
            assertThat((double) right / total).isEqualTo(testAccuracy.get(0).value());

            ModelVersion version = registry.version("emotion", 1);
            assertThat(version.stage()).isEqualTo(Stage.STAGING);
            assertThat(version.runId()).isEqualTo(runId);
            ModelConfig config = version.config();
            assertThat(config.task()).isEqualTo("image-classification");
            assertThat(config.architecture()).isEqualTo("onnx-classifier");
            assertThat(config.parameters().get("labels")).hasSize(5);
            assertThat(ImagePreprocessing.fromJson(config.parameters().get("preprocessing"))).isEqualTo(EmotionTrainer.PREPROCESSING);
            assertThat(config.artifacts()).containsKey("weights");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "epochs|-1|'epochs' must be at least 1",
            "epochs|0|'epochs' must be at least 1",
            "epochs|1000000|'epochs' must be at most 500",
            "batch_size|100000000|'batch_size' must be at most 512",
            "batch_size|0|'batch_size' must be at least 1",
            "learning_rate|NaN|'learning_rate' must be of type float",
            "learning_rate|Infinity|'learning_rate' must be of type float",
            "learning_rate|-0.1|'learning_rate' must be at least",
            "patience|-3|'patience' must be at least 0",
            "validation_split|0.99|'validation_split' must be at most 0.5",
            "seed|12.5|'seed' must be of type int",
            "augment|maybe|'augment' must be of type bool",
            "model_name|../../etc|model name",
            "model_name|a/b|model name",
            "experiment_name|' padded '|experiment name",
            "promote|production|'promote' must be one of none, staging, auto",
            "promote|1|'promote' must be one of none, staging, auto",
            "promotion_margin|high|'promotion_margin' must be of type float",
            "promotion_margin|3|'promotion_margin' must be at most 1",
    })
    void hostileArgumentsAreRefusedBeforeQueueing(String name, String value, String message) {
        List<JobRequest> queued = new ArrayList<>();
        TrainingService service = new TrainingService(new PluginRegistry(List.of(new EmotionCnnPlugin())),
                ref -> { throw new AssertionError("no dataset lookup expected"); },
                r -> { queued.add(r); throw new AssertionError("nothing may be queued"); }, id -> Optional.empty());
        assertThatThrownBy(() -> service.submit(EmotionCnnPlugin.NAME, Map.of(name, value), "{\"train\": \"faces\"}"))
                .isInstanceOf(ClientErrorException.class)
                .satisfies(e -> assertThat(((ClientErrorException) e).status()).isEqualTo(400))
                .hasMessageContaining(message);
        assertThat(queued).isEmpty();
    }

    @Test
    void labelsBecomeTrackingSafeMetricKeysWithoutCollisions() {
        Evaluation e = new Evaluation(List.of("a+b", "a_b", "joie é"), new int[][] {{1, 0, 0}, {1, 1, 0}, {0, 0, 2}}, 0.5);
        assertThat(EmotionCnnPlugin.testMetrics(e)).containsOnlyKeys("test_accuracy", "test_loss",
                "precision_a_b", "recall_a_b", "precision_a_b_1", "recall_a_b_1", "precision_joie _", "recall_joie _");
        assertThat(EmotionCnnPlugin.testMetrics(e)).containsEntry("precision_a_b", 0.5).containsEntry("recall_a_b_1", 0.5)
                .containsEntry("test_accuracy", 0.8);
    }

    private static Job awaitFinal(TrainingService service, String id) {
        return Awaitility.await().alias("task " + id + " finished").atMost(Duration.ofSeconds(120)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50)).until(() -> service.task(id).orElseThrow(), job -> job.state().isFinal());
    }
}
