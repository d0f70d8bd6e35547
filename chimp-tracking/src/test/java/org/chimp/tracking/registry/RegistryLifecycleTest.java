package org.chimp.tracking.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.chimp.api.ModelConfig;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.TestDatabases;
import org.chimp.store.ArtifactStore;
import org.chimp.tracking.MemoryBlobStore;
import org.chimp.tracking.registry.RegistryEvent.Type;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Renaming, updating, deleting, tags and search: what MLflow's registry API adds to CHIMP's own use. */
class RegistryLifecycleTest {
    private static final ModelConfig CONFIG = new ModelConfig("image-classification", "onnx", Map.of(), null);

    @TempDir
    Path tmp;

    private ModelRegistry registry(HikariDataSource ds) {
        return new ModelRegistry(ds, new ArtifactStore(new MemoryBlobStore(), tmp.resolve("cache")));
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void renameMovesVersionsTagsAndAliases(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            ModelRegistry r = registry(ds);
            List<RegistryEvent> events = new CopyOnWriteArrayList<>();
            r.createModel("old", "d", Map.of("team", "vision"));
            r.createVersion("old", null, "s3://a", CONFIG, null, Map.of("k", "v"));
            r.createVersion("old", null, "s3://b", null, "outside", Map.of());
            r.transitionStage("old", 1, Stage.PRODUCTION, false);
            r.setAlias("old", "champion", 2);
            r.createModel("taken", null, Map.of());
            r.addListener(events::add);

            assertThatThrownBy(() -> r.renameModel("old", "taken")).isInstanceOfSatisfying(ClientErrorException.class,
                    e -> assertThat(e.status()).isEqualTo(409));
            assertThat(r.model("old").tags()).containsEntry("team", "vision");
            RegisteredModel renamed = r.renameModel("old", "new");
            assertThat(renamed.tags()).containsEntry("team", "vision");
            assertThat(renamed.aliases()).containsEntry("champion", 2);
            assertThat(renamed.description()).isEqualTo("d");
            assertThat(r.version("new", 1).tags()).containsEntry("k", "v");
            assertThat(r.version("new", 1).stage()).isEqualTo(Stage.PRODUCTION);
            assertThat(r.version("new", 2).config()).isNull();
            assertThat(r.exists("old")).isFalse();
            assertThat(r.createVersion("new", null, "s3://c", CONFIG, null).version()).as("numbering continues").isEqualTo(3);
            assertThat(events).extracting(RegistryEvent::type, RegistryEvent::name).startsWith(
                    org.assertj.core.groups.Tuple.tuple(Type.MODEL_DELETED, "old"), org.assertj.core.groups.Tuple.tuple(Type.STAGE_CHANGED, "new"));
            assertThatThrownBy(() -> r.renameModel("nope", "x")).isInstanceOfSatisfying(ClientErrorException.class,
                    e -> assertThat(e.status()).isEqualTo(404));
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void deletesAreHardAndFireEvents(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            ModelRegistry r = registry(ds);
            List<RegistryEvent> events = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 3; i++) {
                r.createVersion("m", null, "s3://" + i, CONFIG, null, Map.of("i", "" + i));
            }
            r.transitionStage("m", 2, Stage.STAGING, false);
            r.setAlias("m", "best", 2);
            r.addListener(events::add);

            r.deleteVersion("m", 2);
            assertThat(events).containsExactly(new RegistryEvent(Type.ALIAS_DELETED, "m", 2, null, "best"),
                    new RegistryEvent(Type.VERSION_DELETED, "m", 2, Stage.STAGING, null));
            assertThatThrownBy(() -> r.version("m", 2)).isInstanceOfSatisfying(ClientErrorException.class,
                    e -> assertThat(e.status()).isEqualTo(404));
            assertThat(r.model("m").aliases()).isEmpty();
            assertThat(r.createVersion("m", null, "s3://4", CONFIG, null).version()).as("numbers are not reused").isEqualTo(4);
            assertThatThrownBy(() -> r.deleteVersion("m", 2)).isInstanceOf(ClientErrorException.class);

            events.clear();
            r.deleteModel("m");
            assertThat(events).containsExactly(new RegistryEvent(Type.MODEL_DELETED, "m", 0, null, null));
            assertThat(r.exists("m")).isFalse();
            assertThat(r.searchVersions("name = 'm'", List.of(), 10, 0)).isEmpty();
            assertThatThrownBy(() -> r.deleteModel("m")).isInstanceOfSatisfying(ClientErrorException.class,
                    e -> assertThat(e.status()).isEqualTo(404));
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void tagsDescriptionsAndSearch(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            ModelRegistry r = registry(ds);
            r.createModel("faces", null, Map.of());
            r.createModel("Faces-2", null, Map.of());
            r.createModel("cars", null, Map.of());
            r.setModelTag("faces", "team", "vision");
            r.setModelTag("faces", "team", "vision2");
            r.setModelTag("cars", "team", "road");
            assertThat(r.model("faces").tags()).containsExactly(Map.entry("team", "vision2"));
            r.deleteModelTag("cars", "team");
            assertThatThrownBy(() -> r.deleteModelTag("cars", "team")).isInstanceOfSatisfying(ClientErrorException.class,
                    e -> assertThat(e.status()).isEqualTo(404));
            assertThat(r.updateModel("cars", "fast").description()).isEqualTo("fast");

            assertThat(names(r.searchModels("name LIKE 'faces%'", List.of(), 10, 0))).containsExactly("faces");
            assertThat(names(r.searchModels("name ILIKE 'faces%'", List.of(), 10, 0))).containsExactlyInAnyOrder("Faces-2", "faces");
            assertThat(names(r.searchModels("tags.team = 'vision2'", List.of(), 10, 0))).containsExactly("faces");
            assertThat(names(r.searchModels(null, List.of("last_updated_timestamp DESC", "name"), 10, 0))).hasSize(3).first()
                    .isIn("cars", "faces");
            assertThat(names(r.searchModels("name = 'cars'", List.of(), 10, 0))).containsExactly("cars");
            assertThat(names(r.searchModels(null, List.of(), 1, 1))).containsExactly("cars");

            r.createVersion("faces", "run1", "mlflow-artifacts:/1/run1/artifacts/model", CONFIG, null, Map.of());
            r.createVersion("faces", "run2", "s3://elsewhere", CONFIG, null, Map.of("ok", "yes"));
            r.setVersionTag("faces", 1, "ok", "no");
            assertThat(r.updateVersion("faces", 1, "first").description()).isEqualTo("first");
            assertThat(versions(r, "name = 'faces' AND run_id = 'run2'")).containsExactly("faces/2");
            assertThat(versions(r, "run_id IN ('run1', 'run2')")).containsExactly("faces/2", "faces/1");
            assertThat(versions(r, "tags.ok = 'no'")).containsExactly("faces/1");
            assertThat(versions(r, "source_path LIKE 'mlflow-artifacts:%'")).containsExactly("faces/1");
            assertThat(versions(r, "version_number >= 2")).containsExactly("faces/2");
            assertThat(r.searchVersions(null, List.of("version_number ASC"), 10, 0)).extracting(ModelVersion::version)
                    .containsExactly(1, 2);
            r.deleteVersionTag("faces", 1, "ok");
            assertThat(versions(r, "tags.ok = 'no'")).isEmpty();
            assertThatThrownBy(() -> versions(r, "metrics.acc > 1")).isInstanceOf(ClientErrorException.class);
            assertThatThrownBy(() -> r.setModelTag("faces", "", "x")).isInstanceOf(ClientErrorException.class);
            assertThatThrownBy(() -> r.setVersionTag("faces", 9, "k", "x")).isInstanceOfSatisfying(ClientErrorException.class,
                    e -> assertThat(e.status()).isEqualTo(404));
        }
    }

    private static List<String> names(List<RegisteredModel> models) {
        return models.stream().map(RegisteredModel::name).toList();
    }

    private static List<String> versions(ModelRegistry r, String filter) {
        return r.searchVersions(filter, List.of(), 10, 0).stream().map(v -> v.name() + "/" + v.version()).toList();
    }
}
