package org.chimp.emotion.faces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.vision.FaceBox;
import org.chimp.api.vision.FaceDetection;
import org.chimp.db.TestDatabases;
import org.chimp.emotion.cnn.EmotionCnnPlugin;
import org.chimp.store.ArtifactStore;
import org.chimp.store.DatasetStore;
import org.chimp.store.FileBlobStore;
import org.chimp.store.UploadLimits;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.training.runner.PluginRegistry;
import org.chimp.training.runner.TrainingJobHandler;
import org.chimp.training.runner.TrainingService;
import org.chimp.training.sample.SyntheticFaces.Expression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code detect_faces=true}: emotion-cnn trains on the largest face of each raw photo and counts photos without one. */
class DetectFacesTrainingTest {
    private static final List<Expression> LABELS = List.of(Expression.ANGRY, Expression.HAPPY, Expression.NEUTRAL, Expression.SAD);

    @TempDir
    Path tmp;

    /** Photos with one face somewhere (sometimes a second, smaller one), and {@code blank} photos per label without any. */
    private Path photos(Path dir, int perLabel, int blank, boolean faces) throws Exception {
        Random rnd = new Random(4);
        for (String split : List.of("train", "test")) {
            for (Expression e : LABELS) {
                Path d = Files.createDirectories(dir.resolve(split).resolve(e.label()));
                int n = split.equals("train") ? perLabel : 2;
                for (int i = 0; i < n; i++) {
                    int size = 90 + rnd.nextInt(30);
                    FaceBox big = new FaceBox(rnd.nextInt(200 - size), rnd.nextInt(170 - size), size, size);
                    List<Expression> who = faces ? List.of(e) : List.of();
                    List<FaceBox> where = faces ? List.of(big) : List.of();
                    if (faces && i % 3 == 0 && big.x() > 110) {
                        who = List.of(e, Expression.NEUTRAL);
                        where = List.of(big, new FaceBox(5, 5, 60, 60)); // a smaller face that must not be the one trained on
                    }
                    BufferedImage photo = FacePhotos.photo(320, 180, who, where, rnd.nextLong());
                    Files.write(d.resolve(i + ".png"), FacePhotos.png(photo));
                }
                if (split.equals("train")) {
                    for (int i = 0; i < blank; i++) {
                        Files.write(d.resolve("blank" + i + ".png"), FacePhotos.png(FacePhotos.photo(320, 180, List.of(), List.of(), 0)));
                    }
                }
            }
        }
        return org.chimp.emotion.TestTasks.zip(dir, dir.resolveSibling(dir.getFileName() + ".zip"));
    }

    @Test
    void trainsOnFacesAndCountsPhotosWithoutOne() throws Exception {
        HaarFaceDetectorTest.detection();
        try (HikariDataSource ds = TestDatabases.h2()) {
            FileBlobStore blobs = new FileBlobStore(tmp.resolve("blobs"));
            DatasetStore datasets = new DatasetStore(ds, blobs, UploadLimits.defaults());
            TrackingStore tracking = new TrackingStore(ds, blobs);
            ModelRegistry registry = new ModelRegistry(ds, new ArtifactStore(blobs, tmp.resolve("cache")));
            PluginRegistry plugins = new PluginRegistry(List.of(new EmotionCnnPlugin()));
            TrainingService service = new TrainingService(plugins, datasets::resolve, r -> null, id -> Optional.empty());
            TrainingJobHandler handler = new TrainingJobHandler(plugins, datasets, tracking, registry, tmp.resolve("work"));
            org.chimp.emotion.TestTasks.upload(datasets, "photos", photos(tmp.resolve("photos"), 6, 2, true));

            JsonNode result = org.chimp.emotion.TestTasks.run(handler, service.payload(EmotionCnnPlugin.NAME,
                    Map.of("epochs", "1", "batch_size", "8", "detect_faces", "true", "validation_split", "0.2"), "{\"train\": \"photos\"}"));
            var params = tracking.getRun(result.get("run_id").asText()).params();
            int skipped = Integer.parseInt(params.get("images_without_face"));
            // The 8 blank photos, and at most a few photos whose cartoon face the cascade misses.
            assertThat(skipped).isBetween(8, 12);
            assertThat(result.get("metrics").get("images_without_face").asInt()).isEqualTo(skipped);
            int used = Integer.parseInt(params.get("train_images")) + Integer.parseInt(params.get("validation_images"))
                    + Integer.parseInt(params.get("test_images"));
            assertThat(used + skipped).isEqualTo(4 * (6 + 2 + 2));
            assertThat(registry.version("emotion", 1).config().artifacts()).containsKey("weights");

            // A label none of whose photos shows a face cannot be trained: a clear 400, nothing registered.
            org.chimp.emotion.TestTasks.upload(datasets, "blank", photos(tmp.resolve("blank"), 2, 1, false));
            assertThatThrownBy(() -> org.chimp.emotion.TestTasks.run(handler, service.payload(EmotionCnnPlugin.NAME,
                    Map.of("epochs", "1", "detect_faces", "true"), "{\"train\": \"blank\"}")))
                    .isInstanceOfSatisfying(ClientErrorException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("No face was found");
                    });
            assertThatThrownBy(() -> service.payload(EmotionCnnPlugin.NAME, Map.of("detect_faces", "perhaps"), "{\"train\": \"photos\"}"))
                    .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(400));
            assertThat(registry.versions("emotion", 10, 0)).hasSize(1);
        }
    }

    @Test
    void usesTheFaceDetectionTheNodeWasConfiguredWith() throws Exception {
        try (HikariDataSource ds = TestDatabases.h2()) {
            FileBlobStore blobs = new FileBlobStore(tmp.resolve("blobs"));
            DatasetStore datasets = new DatasetStore(ds, blobs, UploadLimits.defaults());
            TrackingStore tracking = new TrackingStore(ds, blobs);
            ModelRegistry registry = new ModelRegistry(ds, new ArtifactStore(blobs, tmp.resolve("cache")));
            PluginRegistry plugins = new PluginRegistry(List.of(new EmotionCnnPlugin()));
            TrainingService service = new TrainingService(plugins, datasets::resolve, r -> null, id -> Optional.empty());
            // A worker started with a cascade that does not load: the plugin must see that node's detection, not
            // open the class path's default on its own.
            TrainingJobHandler handler = new TrainingJobHandler(plugins, datasets, tracking, registry, tmp.resolve("work"),
                    () -> FaceDetection.off("the cascade given with --face-cascade is not readable"));
            org.chimp.emotion.TestTasks.upload(datasets, "photos", photos(tmp.resolve("photos"), 2, 0, true));
            assertThatThrownBy(() -> org.chimp.emotion.TestTasks.run(handler, service.payload(EmotionCnnPlugin.NAME,
                    Map.of("epochs", "1", "detect_faces", "true"), "{\"train\": \"photos\"}")))
                    .isInstanceOfSatisfying(ClientErrorException.class, e -> {
                        assertThat(e.status()).isEqualTo(409);
                        assertThat(e.getMessage()).contains("--face-cascade is not readable");
                    });
            assertThat(registry.versions("emotion", 10, 0)).isEmpty();
        }
    }
}
