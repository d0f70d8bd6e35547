package org.chimp.training.promotion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.TestDatabases;
import org.chimp.jobs.Job;
import org.chimp.jobs.JobSpec;
import org.chimp.jobs.JobStatus;
import org.chimp.jobs.JobOutcome;
import org.chimp.jobs.JobContext;
import org.chimp.store.ArtifactStore;
import org.chimp.store.DatasetStore;
import org.chimp.store.FileBlobStore;
import org.chimp.store.UploadLimits;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.tracking.registry.ModelVersion;
import org.chimp.tracking.registry.Stage;
import org.chimp.training.imageclassifier.ImageClassifierPlugin;
import org.chimp.training.runner.PluginRegistry;
import org.chimp.training.runner.TrainingJobHandler;
import org.chimp.training.runner.TrainingService;
import org.chimp.training.sample.SyntheticFaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code promote=auto}: the gate against the Production version, its tags, and bad arguments. */
class PromotionTest {
    @TempDir
    Path tmp;

    @Test
    void decisionNeedsProductionsAccuracyPlusTheMargin() {
        assertThat(Promotion.decide(0.5, Optional.empty(), 0.1).promoted()).isTrue();
        assertThat(Promotion.decide(0.8, Optional.of(0.8), 0.0).promoted()).isTrue();
        assertThat(Promotion.decide(0.85, Optional.of(0.8), 0.1).promoted()).isFalse();
        Promotion.Decision d = Promotion.decide(0.9, Optional.of(0.8), 0.1);
        assertThat(d.promoted()).isTrue();
        assertThat(d.reason()).contains("0.9000 >= 0.9000");
        assertThat(Promotion.decide(0.7, Optional.of(0.8), -0.1).word()).isEqualTo("promoted");
    }

    @Test
    void autoPromotesOnlyAVersionAtLeastAsGoodAsProduction() throws Exception {
        try (HikariDataSource ds = TestDatabases.h2()) {
            FileBlobStore blobs = new FileBlobStore(tmp.resolve("blobs"));
            DatasetStore datasets = new DatasetStore(ds, blobs, UploadLimits.defaults());
            TrackingStore tracking = new TrackingStore(ds, blobs);
            ModelRegistry registry = new ModelRegistry(ds, new ArtifactStore(blobs, tmp.resolve("cache")));
            PluginRegistry plugins = new PluginRegistry(List.of(new ImageClassifierPlugin()));
            TrainingService service = new TrainingService(plugins, datasets::resolve, r -> null, id -> Optional.empty());
            TrainingJobHandler handler = new TrainingJobHandler(plugins, datasets, tracking, registry, tmp.resolve("work"));
            Path zip = tmp.resolve("faces.zip");
            SyntheticFaces.writeZip(zip, 12, 6, 3);
            try (InputStream in = Files.newInputStream(zip)) {
                datasets.upload("faces", in);
            }
            Map<String, String> base = Map.of("model_name", "faces", "image_size", "24", "promote", "auto");
            String data = "{\"train\": \"faces\"}";

            // No Production version yet: the first one goes in.
            run(handler, service.payload("image-classifier", with(base, "epochs", "15"), data));
            ModelVersion v1 = registry.version("faces", 1);
            assertThat(v1.stage()).isEqualTo(Stage.PRODUCTION);
            assertThat(v1.tags()).containsEntry(Promotion.DECISION_TAG, "promoted")
                    .containsEntry(Promotion.REASON_TAG, "there was no Production version").containsKey(Promotion.CANDIDATE_TAG);

            // A barely trained version scores lower on the same images: registered, tagged, not promoted.
            run(handler, service.payload("image-classifier", with(base, "epochs", "1", "learning_rate", "0.000001"), data));
            ModelVersion v2 = registry.version("faces", 2);
            assertThat(v2.stage()).isEqualTo(Stage.NONE);
            assertThat(v2.tags()).containsEntry(Promotion.DECISION_TAG, "kept").containsEntry(Promotion.PRODUCTION_VERSION_TAG, "1")
                    .containsKeys(Promotion.CANDIDATE_TAG, Promotion.PRODUCTION_TAG);
            assertThat(Double.parseDouble(v2.tags().get(Promotion.CANDIDATE_TAG)))
                    .isLessThan(Double.parseDouble(v2.tags().get(Promotion.PRODUCTION_TAG)));
            assertThat(v2.tags().get(Promotion.REASON_TAG)).contains("<");
            assertThat(registry.latest("faces", Stage.PRODUCTION)).map(ModelVersion::version).contains(1);
            // The Production score the gate used is version 1's on the same held-out images.
            assertThat(v2.tags().get(Promotion.PRODUCTION_TAG)).isEqualTo(v1.tags().get(Promotion.CANDIDATE_TAG));

            // A negative margin lets a worse version through; the old one is archived.
            run(handler, service.payload("image-classifier", with(base, "epochs", "1", "learning_rate", "0.000001",
                    "promotion_margin", "-1"), data));
            assertThat(registry.version("faces", 3).stage()).isEqualTo(Stage.PRODUCTION);
            assertThat(registry.version("faces", 1).stage()).isEqualTo(Stage.ARCHIVED);

            // Staging: moved there, Production untouched, no gate.
            run(handler, service.payload("image-classifier", with(base, "epochs", "1", "promote", "staging"), data));
            assertThat(registry.version("faces", 4).stage()).isEqualTo(Stage.STAGING);
            assertThat(registry.version("faces", 4).tags()).doesNotContainKey(Promotion.DECISION_TAG);
            assertThat(registry.latest("faces", Stage.PRODUCTION)).map(ModelVersion::version).contains(3);

            // Wrong values and types are refused before anything is queued.
            for (Map<String, String> bad : List.of(with(base, "promote", "sometimes"), with(base, "promotion_margin", "lots"),
                    with(base, "promotion_margin", "2"), with(base, "promote", "x".repeat(5000)))) {
                assertThatThrownBy(() -> service.payload("image-classifier", bad, data))
                        .isInstanceOfSatisfying(ClientErrorException.class, e -> {
                            assertThat(e.status()).isEqualTo(400);
                            assertThat(e.getMessage()).hasSizeLessThan(600);
                        });
            }
            assertThat(registry.versions("faces", 10, 0)).hasSize(4);
        }
    }

    private static Map<String, String> with(Map<String, String> base, String... kv) {
        Map<String, String> out = new LinkedHashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            out.put(kv[i], kv[i + 1]);
        }
        return out;
    }

    private static JsonNode run(TrainingJobHandler handler, ObjectNode payload) throws Exception {
        Job job = new Job(new JobSpec(UUID.randomUUID().toString(), "training", "training", payload, 3, 0, null, null,
                Instant.now()), JobStatus.running(1, null, Instant.now()), JobOutcome.NONE);
        return handler.handle(new JobContext() {
            @Override
            public Job job() {
                return job;
            }

            @Override
            public void progress(double fraction, String message) {
            }

            @Override
            public boolean cancelled() {
                return false;
            }
        });
    }
}
