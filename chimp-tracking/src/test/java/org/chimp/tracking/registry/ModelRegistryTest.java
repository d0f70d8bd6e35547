package org.chimp.tracking.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.chimp.api.ModelConfig;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.Jdbc;
import org.chimp.db.TestDatabases;
import org.chimp.store.ArtifactStore;
import org.chimp.tracking.ActiveRun;
import org.chimp.tracking.MemoryBlobStore;
import org.chimp.tracking.TrackingStore;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ModelRegistryTest {
    @TempDir
    Path tmp;

    private record Fixture(TrackingStore tracking, ModelRegistry registry, ArtifactStore artifacts, ActiveRun run, Path weights) {
    }

    private Fixture fixture(HikariDataSource ds) throws Exception {
        MemoryBlobStore blobs = new MemoryBlobStore();
        TrackingStore tracking = new TrackingStore(ds, blobs);
        ArtifactStore artifacts = new ArtifactStore(blobs, tmp.resolve("cache"));
        ActiveRun run = tracking.startRun(tracking.getOrCreateExperiment("faces"), "train", Map.of());
        Path weights = Files.writeString(tmp.resolve("model.onnx"), "onnx-bytes");
        return new Fixture(tracking, new ModelRegistry(ds, artifacts), artifacts, run, weights);
    }

    private static ModelVersion register(Fixture f, String name) {
        ObjectNode params = JsonNodeFactory.instance.objectNode().put("size", 48);
        return f.registry().registerModel(f.run(), name, "image-classification", "onnx-classifier", params,
                Map.of("weights", f.weights()));
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void registeringStoresArtifactsAndNumbersVersions(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open()) {
            Fixture f = fixture(ds);
            ModelVersion v1 = register(f, "emotions");
            ModelVersion v2 = register(f, "emotions");

            assertThat(v1.version()).isEqualTo(1);
            assertThat(v2.version()).isEqualTo(2);
            assertThat(v1.stage()).isEqualTo(Stage.NONE);
            assertThat(v1.runId()).isEqualTo(f.run().id());
            assertThat(v1.source()).isEqualTo(f.run().artifactUri() + "/model");
            ModelConfig config = v1.config();
            assertThat(config.task()).isEqualTo("image-classification");
            assertThat(config.architecture()).isEqualTo("onnx-classifier");
            assertThat(config.parameters().get("size").asInt()).isEqualTo(48);
            String ref = config.artifacts().get("weights");
            assertThat(ModelConfig.isArtifactRef(ref)).isTrue();
            assertThat(Files.readString(f.artifacts().resolve(ref))).isEqualTo("onnx-bytes");

            assertThat(f.tracking().listArtifacts(f.run().id())).containsExactly("model/chimp-model.json", "model/model.onnx");
            try (InputStream in = f.tracking().openArtifact(f.run().id(), "model/chimp-model.json")) {
                assertThat(ModelConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8))).isEqualTo(config);
            }
            assertThat(f.registry().version("emotions", 2)).isEqualTo(v2);
            assertThat(f.registry().exists("emotions")).isTrue();
            assertThat(f.registry().exists("other")).isFalse();
            assertThat(f.registry().names()).containsExactly("emotions");
            assertThat(f.registry().versions("emotions", 10, 0)).extracting(ModelVersion::version).containsExactly(2, 1);
            assertStatus(404, () -> f.registry().version("emotions", 3));
            assertStatus(404, () -> f.registry().version("other", 1));
            assertStatus(404, () -> f.registry().model("other"));
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void badRegistrationsChangeNothing(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open()) {
            Fixture f = fixture(ds);
            ModelRegistry r = f.registry();
            assertStatus(400, () -> r.registerModel(f.run(), " ", "t", "a", null, Map.of("weights", f.weights())));
            assertStatus(400, () -> r.registerModel(f.run(), "m", "t", "a", null, Map.of("weights", tmp.resolve("absent"))));
            Path clash = Files.createDirectories(tmp.resolve("d")).resolve("model.onnx");
            Files.writeString(clash, "other");
            assertStatus(400, () -> r.registerModel(f.run(), "m", "t", "a", null, Map.of("weights", f.weights(), "more", clash)));
            assertThat(r.names()).isEmpty();
            assertThat(f.tracking().listArtifacts(f.run().id())).isEmpty();
            r.createModel("m", "described", Map.of("team", "vision"));
            assertStatus(409, () -> r.createModel("m", null, Map.of()));
            assertThat(r.model("m").description()).isEqualTo("described");
            assertThat(r.model("m").tags()).containsEntry("team", "vision");
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void stagesArchiveOnlyTheTargetStage(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open()) {
            Fixture f = fixture(ds);
            ModelRegistry r = f.registry();
            for (int i = 0; i < 4; i++) {
                register(f, "emotions");
            }
            r.transitionStage("emotions", 1, Stage.PRODUCTION, false);
            r.transitionStage("emotions", 2, Stage.STAGING, false);
            r.transitionStage("emotions", 3, Stage.PRODUCTION, false);
            assertThat(r.latest("emotions", Stage.PRODUCTION)).map(ModelVersion::version).contains(3);

            ModelVersion v4 = r.transitionStage("emotions", 4, Stage.PRODUCTION, true);
            assertThat(v4.stage()).isEqualTo(Stage.PRODUCTION);
            assertThat(r.version("emotions", 1).stage()).isEqualTo(Stage.ARCHIVED);
            assertThat(r.version("emotions", 3).stage()).isEqualTo(Stage.ARCHIVED);
            assertThat(r.version("emotions", 2).stage()).isEqualTo(Stage.STAGING);
            assertThat(r.latest("emotions", Stage.PRODUCTION)).map(ModelVersion::version).contains(4);
            assertThat(r.latest("emotions", Stage.STAGING)).map(ModelVersion::version).contains(2);
            assertThat(r.latest("emotions", Stage.NONE)).isEmpty();
            assertThat(r.latest("unknown", Stage.PRODUCTION)).isEmpty();

            assertStatus(400, () -> r.transitionStage("emotions", 2, Stage.ARCHIVED, true));
            assertStatus(404, () -> r.transitionStage("emotions", 9, Stage.PRODUCTION, true));
            assertThat(r.version("emotions", 2).stage()).isEqualTo(Stage.STAGING);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aliasesPointAtVersions(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open()) {
            Fixture f = fixture(ds);
            ModelRegistry r = f.registry();
            register(f, "emotions");
            register(f, "emotions");
            r.setAlias("emotions", "champion", 1);
            r.setAlias("emotions", "champion", 2);
            assertThat(r.byAlias("emotions", "champion").version()).isEqualTo(2);
            assertThat(r.model("emotions").aliases()).isEqualTo(Map.of("champion", 2));
            assertStatus(400, () -> r.setAlias("emotions", "v3", 1));
            assertStatus(404, () -> r.setAlias("emotions", "x", 7));
            r.deleteAlias("emotions", "champion");
            assertStatus(404, () -> r.byAlias("emotions", "champion"));
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void eventsFireAfterCommitAndListenerFailuresAreContained(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open()) {
            Fixture f = fixture(ds);
            ModelRegistry r = f.registry();
            List<RegistryEvent> events = new CopyOnWriteArrayList<>();
            List<String> seenStages = new ArrayList<>();
            r.addListener(e -> {
                throw new IllegalStateException("a broken listener");
            });
            r.addListener(e -> {
                events.add(e);
                // Read on another connection: only committed data is visible there.
                seenStages.add(Jdbc.withConnection(ds, c -> {
                    var rs = c.createStatement().executeQuery("SELECT v.stage FROM tracking_model_versions v JOIN tracking_registered_models m "
                            + "ON m.id = v.model_id WHERE m.name = '" + e.name() + "' AND v.version = " + e.version());
                    return rs.next() ? rs.getString(1) : "absent";
                }));
            });
            register(f, "emotions");
            register(f, "emotions");
            r.transitionStage("emotions", 1, Stage.PRODUCTION, false);
            r.transitionStage("emotions", 2, Stage.PRODUCTION, true);
            r.setAlias("emotions", "champion", 2);

            assertThat(events).containsExactly(
                    new RegistryEvent(RegistryEvent.Type.VERSION_CREATED, "emotions", 1, Stage.NONE, null),
                    new RegistryEvent(RegistryEvent.Type.VERSION_CREATED, "emotions", 2, Stage.NONE, null),
                    new RegistryEvent(RegistryEvent.Type.STAGE_CHANGED, "emotions", 1, Stage.PRODUCTION, null),
                    new RegistryEvent(RegistryEvent.Type.STAGE_CHANGED, "emotions", 2, Stage.PRODUCTION, null),
                    new RegistryEvent(RegistryEvent.Type.STAGE_CHANGED, "emotions", 1, Stage.ARCHIVED, null),
                    new RegistryEvent(RegistryEvent.Type.ALIAS_SET, "emotions", 2, null, "champion"));
            assertThat(seenStages).containsExactly("None", "None", "Production", "Production", "Archived", "Production");
            int before = events.size();
            assertStatus(404, () -> r.transitionStage("emotions", 5, Stage.STAGING, false));
            assertThat(events).hasSize(before);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void concurrentRegistrationsGetDistinctVersions(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open()) {
            Fixture f = fixture(ds);
            ModelConfig config = new ModelConfig("t", "a", Map.of(), null);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Integer>> futures = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    futures.add(pool.submit(() -> f.registry().createVersion("racy", null, "src", config, null).version()));
                }
                List<Integer> versions = new ArrayList<>();
                for (Future<Integer> fu : futures) {
                    versions.add(fu.get());
                }
                assertThat(versions).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    static void assertStatus(int status, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(status));
    }
}
