package org.chimp.emotion.cnn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.TestDatabases;
import org.chimp.emotion.TestTasks;
import org.chimp.store.ArtifactStore;
import org.chimp.store.DatasetStore;
import org.chimp.store.FileBlobStore;
import org.chimp.store.UploadLimits;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.tracking.registry.ModelVersion;
import org.chimp.tracking.registry.Stage;
import org.chimp.training.runner.PluginRegistry;
import org.chimp.training.runner.TrainingJobHandler;
import org.chimp.training.runner.TrainingService;
import org.chimp.training.sample.SyntheticFaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calibration for a user whose frames look unlike the training data (negative images, as under odd lighting): the
 * personal version scores better on the user's test frames, is tagged with the user and its parent, and is never
 * staged; bad requests are refused and register nothing.
 */
class EmotionCalibrationPluginTest {
    @TempDir
    Path tmp;

    @Test
    void calibrationRegistersABetterPersonalVersionForTheUser() throws Exception {
        try (HikariDataSource ds = TestDatabases.h2()) {
            FileBlobStore blobs = new FileBlobStore(tmp.resolve("blobs"));
            DatasetStore datasets = new DatasetStore(ds, blobs, UploadLimits.defaults());
            TrackingStore tracking = new TrackingStore(ds, blobs);
            ModelRegistry registry = new ModelRegistry(ds, new ArtifactStore(blobs, tmp.resolve("cache")));
            PluginRegistry plugins = new PluginRegistry(List.of(new EmotionCnnPlugin(), new EmotionCalibrationPlugin()));
            TrainingService service = new TrainingService(plugins, datasets::resolve, r -> null, id -> Optional.empty());
            TrainingJobHandler handler = new TrainingJobHandler(plugins, datasets, tracking, registry, tmp.resolve("work"));

            // No Production version yet: calibration has nothing to start from.
            TestTasks.upload(datasets, "alice-frames", userFrames(tmp.resolve("alice"), 12, 4));
            ObjectNode early = service.payload(EmotionCalibrationPlugin.NAME, Map.of("user", "alice"), "{\"calibration\": \"alice-frames\"}");
            assertThatThrownBy(() -> TestTasks.run(handler, early)).isInstanceOfSatisfying(ClientErrorException.class, e -> {
                assertThat(e.status()).isEqualTo(409);
                assertThat(e.getMessage()).contains("no Production version");
            });
            assertThat(registry.names()).isEmpty();

            Path faces = tmp.resolve("faces.zip");
            SyntheticFaces.writeZip(faces, 16, 4, 5);
            TestTasks.upload(datasets, "faces", faces);
            TestTasks.run(handler, service.payload(EmotionCnnPlugin.NAME, Map.of("epochs", "4", "batch_size", "16", "promote", "auto"),
                    "{\"train\": \"faces\"}"));
            assertThat(registry.version("emotion", 1).stage()).isEqualTo(Stage.PRODUCTION);

            JsonNode result = TestTasks.run(handler, service.payload(EmotionCalibrationPlugin.NAME,
                    Map.of("user", "alice", "epochs", "6", "learning_rate", "0.002"), "{\"calibration\": \"alice-frames\"}"));
            ModelVersion personal = registry.version("emotion", 2);
            assertThat(personal.stage()).isEqualTo(Stage.NONE);
            assertThat(personal.tags()).containsEntry(EmotionCalibrationPlugin.USER_TAG, "alice")
                    .containsEntry(EmotionCalibrationPlugin.PARENT_TAG, "1");
            assertThat(registry.latest("emotion", Stage.PRODUCTION)).map(ModelVersion::version).contains(1);
            double before = result.get("metrics").get("user_accuracy_before").asDouble();
            double after = result.get("metrics").get("user_accuracy_after").asDouble();
            assertThat(after).as("before %s", before).isGreaterThan(before);
            var params = tracking.getRun(result.get("run_id").asText()).params();
            assertThat(params).containsEntry("replay_source", "faces@1").containsEntry("user_frames", "60")
                    .containsEntry("parent_version", "1");
            assertThat(Integer.parseInt(params.get("replay_frames"))).isEqualTo(60); // replay_fraction 0.5: as many as the user's
            assertThat(tracking.metricHistory(result.get("run_id").asText(), "user_accuracy_after")).hasSize(1);

            // Hostile requests: refused before queueing, or failing without registering anything.
            for (Map<String, String> bad : List.of(Map.<String, String>of(), Map.of("user", "../etc"), Map.of("user", "x".repeat(500)),
                    Map.of("user", "bob", "replay_fraction", "1.5"), Map.of("user", "bob", "epochs", "many"))) {
                assertThatThrownBy(() -> service.payload(EmotionCalibrationPlugin.NAME, bad, "{\"calibration\": \"alice-frames\"}"))
                        .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(400));
            }
            assertThatThrownBy(() -> service.payload(EmotionCalibrationPlugin.NAME, Map.of("user", "bob"), "{}"))
                    .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.getMessage()).contains("'calibration' is required"));
            Path odd = tmp.resolve("odd");
            Files.createDirectories(odd.resolve("train/bored"));
            Files.createDirectories(odd.resolve("train/happy"));
            Files.write(odd.resolve("train/bored/1.png"), SyntheticFaces.png(SyntheticFaces.Expression.values()[0], new java.util.Random(1), 48));
            Files.write(odd.resolve("train/happy/1.png"), SyntheticFaces.png(SyntheticFaces.Expression.values()[1], new java.util.Random(1), 48));
            TestTasks.upload(datasets, "bob-frames", TestTasks.zip(odd, tmp.resolve("odd.zip")));
            assertThatThrownBy(() -> TestTasks.run(handler, service.payload(EmotionCalibrationPlugin.NAME, Map.of("user", "bob"),
                    "{\"calibration\": \"bob-frames\"}"))).isInstanceOfSatisfying(ClientErrorException.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.getMessage()).contains("'bored'");
            });
            assertThat(registry.versions("emotion", 10, 0)).hasSize(2);
        }
    }

    /** The user's frames: synthetic faces as negatives, which a model trained on the normal ones reads poorly. */
    static Path userFrames(Path dir, int trainPerLabel, int testPerLabel) throws Exception {
        SyntheticFaces.writeDirectory(dir, trainPerLabel, testPerLabel, 99);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".png")).toList()) {
                BufferedImage img = ImageIO.read(f.toFile());
                for (int y = 0; y < img.getHeight(); y++) {
                    for (int x = 0; x < img.getWidth(); x++) {
                        img.setRGB(x, y, ~img.getRGB(x, y) | 0xff000000);
                    }
                }
                ImageIO.write(img, "png", f.toFile());
            }
        }
        return TestTasks.zip(dir, dir.resolveSibling(dir.getFileName() + ".zip"));
    }

}
