package org.chimp.tracking.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.TestDatabases;
import org.chimp.store.ArtifactStore;
import org.chimp.tracking.ActiveRun;
import org.chimp.tracking.MemoryBlobStore;
import org.chimp.tracking.TrackingStore;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Rollback to the previous Production version, and registrations keyed by a task (idempotent on retry). */
class RollbackTest {
    @TempDir
    Path tmp;

    private ModelRegistry registry;
    private ActiveRun run;
    private Path weights;

    private void open(HikariDataSource ds) throws Exception {
        MemoryBlobStore blobs = new MemoryBlobStore();
        TrackingStore tracking = new TrackingStore(ds, blobs);
        registry = new ModelRegistry(ds, new ArtifactStore(blobs, tmp.resolve("cache")));
        run = tracking.startRun(tracking.getOrCreateExperiment("faces"), "train", Map.of());
        weights = Files.writeString(tmp.resolve("model.onnx"), "onnx-bytes");
    }

    private ModelVersion register(String name, String key) {
        return registry.registerModel(run, name, "image-classification", "onnx-classifier",
                JsonNodeFactory.instance.objectNode(), Map.of("weights", weights), Map.of("team", "vision"), key);
    }

    private Stage stage(int version) {
        return registry.version("emotions", version).stage();
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void rollbackGoesBackOnePromotionAtATime(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open()) {
            open(ds);
            for (int i = 0; i < 4; i++) {
                register("emotions", null);
            }
            registry.transitionStage("emotions", 1, Stage.PRODUCTION, true);
            registry.transitionStage("emotions", 2, Stage.STAGING, false); // never in Production: never rolled back to
            registry.transitionStage("emotions", 3, Stage.PRODUCTION, true);
            registry.transitionStage("emotions", 4, Stage.PRODUCTION, true);
            List<RegistryEvent> events = new CopyOnWriteArrayList<>();
            registry.addListener(events::add);

            ModelRegistry.Rollback first = registry.rollback("emotions");
            assertThat(first.restored().version()).isEqualTo(3);
            assertThat(first.restored().stage()).isEqualTo(Stage.PRODUCTION);
            assertThat(first.archived()).containsExactly(4);
            assertThat(registry.latest("emotions", Stage.PRODUCTION)).map(ModelVersion::version).contains(3);
            assertThat(stage(4)).isEqualTo(Stage.ARCHIVED);
            assertThat(registry.version("emotions", 4).tags()).containsKey(ModelRegistry.ROLLED_BACK_AT_TAG);
            // Serving listens to these: the same events as a promotion.
            assertThat(events).extracting(RegistryEvent::version, RegistryEvent::stage)
                    .contains(org.assertj.core.groups.Tuple.tuple(4, Stage.ARCHIVED), org.assertj.core.groups.Tuple.tuple(3, Stage.PRODUCTION));

            assertThat(registry.rollback("emotions").restored().version()).isEqualTo(1);
            assertThat(stage(3)).isEqualTo(Stage.ARCHIVED);
            assertThat(stage(2)).isEqualTo(Stage.STAGING);

            // Version 1 was the first in Production: nothing earlier, nothing changes.
            assertStatus(409, () -> registry.rollback("emotions"));
            assertThat(stage(1)).isEqualTo(Stage.PRODUCTION);

            // Promoting a rolled-back version again makes it a rollback target again.
            registry.transitionStage("emotions", 4, Stage.PRODUCTION, true);
            assertThat(registry.version("emotions", 4).tags()).doesNotContainKey(ModelRegistry.ROLLED_BACK_AT_TAG);
            assertThat(registry.rollback("emotions").restored().version()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void rollbackWithoutAPreviousProductionVersionIsAConflictAndChangesNothing(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open()) {
            open(ds);
            register("emotions", null);
            register("emotions", null);
            assertStatus(409, () -> registry.rollback("emotions")); // nothing in Production
            registry.transitionStage("emotions", 2, Stage.PRODUCTION, true);
            assertStatus(409, () -> registry.rollback("emotions")); // the first one in Production
            assertThat(stage(2)).isEqualTo(Stage.PRODUCTION);
            assertThat(stage(1)).isEqualTo(Stage.NONE);
            assertStatus(404, () -> registry.rollback("unknown"));
            assertStatus(400, () -> registry.rollback("bad/name"));
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aRetriedTaskRegistersNoSecondVersion(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open()) {
            open(ds);
            List<RegistryEvent> events = new CopyOnWriteArrayList<>();
            registry.addListener(events::add);
            ModelVersion first = register("emotions", "task-1");
            ModelVersion again = register("emotions", "task-1");
            assertThat(again.version()).isEqualTo(first.version()).isEqualTo(1);
            assertThat(first.tags()).containsEntry(ModelRegistry.REGISTRATION_KEY_TAG, "task-1").containsEntry("team", "vision");
            assertThat(register("emotions", "task-2").version()).isEqualTo(2);
            assertThat(register("other", "task-1").version()).isEqualTo(1); // keys are per model
            assertThat(register("emotions", null).version()).isEqualTo(3);
            assertThat(registry.versions("emotions", 10, 0)).hasSize(3);
            assertThat(events).filteredOn(e -> e.type() == RegistryEvent.Type.VERSION_CREATED).hasSize(4);
        }
    }

    private static void assertStatus(int status, Runnable action) {
        assertThatThrownBy(action::run).isInstanceOfSatisfying(ClientErrorException.class,
                e -> assertThat(e.status()).isEqualTo(status));
    }
}
