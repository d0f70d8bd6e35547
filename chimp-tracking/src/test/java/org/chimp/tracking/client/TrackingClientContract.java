package org.chimp.tracking.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.chimp.db.TestDatabases;
import org.chimp.tracking.Metric;
import org.chimp.tracking.Run;
import org.chimp.tracking.RunStatus;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.tracking.registry.ModelVersion;
import org.chimp.tracking.registry.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link TrackingClient} must do; each implementation's test extends this and supplies the client. */
abstract class TrackingClientContract {
    @TempDir
    Path tmp;
    HikariDataSource ds;
    TrackingServer server;
    TrackingClient client;

    /** The client under test, over the server's stores. */
    abstract TrackingClient client(TrackingServer server);

    @BeforeEach
    void start() {
        ds = TestDatabases.h2();
        server = TrackingServer.start(ds, tmp.resolve("server"), 64L << 20);
        client = client(server);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        ds.close();
    }

    private ModelSpec model(String weights) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("trained-" + weights.hashCode()));
        Path file = Files.writeString(dir.resolve("model.onnx"), weights);
        ObjectNode parameters = JsonNodeFactory.instance.objectNode();
        parameters.putArray("labels").add("cat").add("dog");
        return new ModelSpec("image-classification", "onnx-classifier", parameters, Map.of("weights", file));
    }

    @Test
    void experimentsAreCreatedOnceByName() {
        String id = client.createExperiment("faces");
        assertThat(client.getOrCreateExperiment("faces")).isEqualTo(id);
        assertThat(client.getOrCreateExperiment("cars")).isNotEqualTo(id);
        assertThatThrownBy(() -> client.createExperiment("faces")).isInstanceOfSatisfying(TrackingClientException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.errorCode()).isEqualTo(TrackingClientException.RESOURCE_ALREADY_EXISTS);
            assertThat(e.getMessage()).contains("faces");
        });
    }

    @Test
    void aRunLogsParamsMetricsTagsAndArtifacts() throws Exception {
        RunHandle run = client.startRun("training", "first", Map.of("team", "vision"));
        assertThat(run.experimentId()).isEqualTo(client.getOrCreateExperiment("training"));
        assertThat(run.artifactUri()).isEqualTo("mlflow-artifacts:/" + run.experimentId() + "/" + run.id() + "/artifacts");
        run.logParam("epochs", "3");
        run.logParams(Map.of("lr", "0.01", "batch", "32"));
        for (int epoch = 1; epoch <= 3; epoch++) {
            run.logMetric("loss", 1.0 / epoch, epoch);
        }
        run.logBatch(List.of(new Metric("accuracy", 0.5, 1000, 1), new Metric("accuracy", 0.75, 2000, 2)), Map.of("seed", "7"),
                Map.of("stage", "dev"));
        run.setTag("note", "ok");
        Path plot = Files.writeString(tmp.resolve("loss.txt"), "a plot");
        run.logArtifact("plots/loss.txt", plot);
        run.end(true);

        Run logged = server.tracking.getRun(run.id());
        assertThat(logged.info().status()).isEqualTo(RunStatus.FINISHED);
        assertThat(logged.info().endTime()).isNotNull();
        assertThat(logged.info().runName()).isEqualTo("first");
        assertThat(logged.params()).containsExactlyInAnyOrderEntriesOf(Map.of("epochs", "3", "lr", "0.01", "batch", "32", "seed", "7"));
        assertThat(logged.tags()).containsEntry("team", "vision").containsEntry("stage", "dev").containsEntry("note", "ok");
        assertThat(logged.metrics()).extracting(Metric::key, Metric::value, Metric::step)
                .containsExactlyInAnyOrder(tuple("loss", 1.0 / 3, 3L),
                        tuple("accuracy", 0.75, 2L));
        assertThat(server.tracking.metricHistory(run.id(), "loss")).extracting(Metric::step).containsExactly(1L, 2L, 3L);
        try (InputStream in = server.tracking.openArtifact(run.id(), "plots/loss.txt")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("a plot");
        }
    }

    @Test
    void refusalsCarryMlflowsErrorCodeAndChangeNothing() {
        RunHandle run = client.startRun("training", null, Map.of());
        run.logParam("lr", "0.1");
        assertThatThrownBy(() -> run.logBatch(List.of(new Metric("m", 1, 1, 1)), Map.of("lr", "0.2"), Map.of()))
                .isInstanceOfSatisfying(TrackingClientException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.errorCode()).isEqualTo(TrackingClientException.INVALID_PARAMETER_VALUE);
                    assertThat(e.getMessage()).contains("lr");
                });
        assertThat(server.tracking.getRun(run.id()).params()).containsExactly(Map.entry("lr", "0.1"));
        assertThat(server.tracking.getRun(run.id()).metrics()).isEmpty();
        assertThatThrownBy(() -> client.downloadArtifacts("0123456789abcdef0123456789abcdef", "model", tmp.resolve("x")))
                .isInstanceOfSatisfying(TrackingClientException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(TrackingClientException.RESOURCE_DOES_NOT_EXIST));
    }

    @Test
    void storeModelLogsARunAndRegistersAVersionWithItsConfig() throws Exception {
        ModelVersionInfo v1 = client.storeModel("faces", model("weights-1"), "faces", Map.of("epochs", "20"),
                Map.of("test_accuracy", 0.91), Map.of("dataset", "faces@1"));
        assertThat(v1.name()).isEqualTo("faces");
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v1.stage()).isEqualTo(Stage.NONE);

        Run run = server.tracking.getRun(v1.runId());
        assertThat(run.info().status()).isEqualTo(RunStatus.FINISHED);
        assertThat(run.info().experimentId()).isEqualTo(client.getOrCreateExperiment("faces"));
        assertThat(run.params()).containsEntry("epochs", "20");
        assertThat(run.tags()).containsEntry("dataset", "faces@1");
        assertThat(run.metrics()).extracting(Metric::key, Metric::value).containsExactly(tuple("test_accuracy", 0.91));
        assertThat(server.tracking.listArtifacts(run.info().runId())).containsExactly("model/" + ModelRegistry.CONFIG_ARTIFACT, "model/model.onnx");
        assertThat(v1.source()).isEqualTo(run.info().artifactUri() + "/model");

        ModelVersion registered = server.registry.version("faces", 1);
        assertThat(registered.config().task()).isEqualTo("image-classification");
        assertThat(registered.config().architecture()).isEqualTo("onnx-classifier");
        assertThat(registered.config().parameters().get("labels").toString()).isEqualTo("[\"cat\",\"dog\"]");
        assertThat(registered.config().artifacts()).containsExactly(Map.entry("weights", "sha256:" + sha256("weights-1")));

        assertThat(client.storeModel("faces", model("weights-2"), "faces", Map.of(), Map.of(), Map.of()).version()).isEqualTo(2);
    }

    @Test
    void theProductionModelIsTheNewestPromotedVersionAndCanBeDownloaded() throws Exception {
        assertThat(client.productionModel("faces")).isEmpty();
        client.storeModel("faces", model("weights-1"), "faces", Map.of(), Map.of(), Map.of());
        ModelVersionInfo v2 = client.storeModel("faces", model("weights-2"), "faces", Map.of(), Map.of(), Map.of());
        assertThat(client.productionModel("faces")).isEmpty();
        assertThat(client.latest("faces", Stage.NONE)).hasValueSatisfying(v -> assertThat(v.version()).isEqualTo(2));

        client.transitionStage("faces", 1, Stage.PRODUCTION, false);
        ModelVersionInfo promoted = client.transitionStage("faces", 2, Stage.PRODUCTION, true);
        assertThat(promoted.stage()).isEqualTo(Stage.PRODUCTION);
        assertThat(client.productionModel("faces")).hasValueSatisfying(v -> {
            assertThat(v.version()).isEqualTo(2);
            assertThat(v.runId()).isEqualTo(v2.runId());
        });
        assertThat(client.latest("faces", Stage.ARCHIVED)).hasValueSatisfying(v -> assertThat(v.version()).isEqualTo(1));

        Path target = tmp.resolve("download");
        DownloadedModel downloaded = client.downloadModel("faces", Stage.PRODUCTION, target);
        assertThat(downloaded.version().version()).isEqualTo(2);
        assertThat(downloaded.files()).containsExactlyInAnyOrder(target.resolve("model.onnx"), target.resolve(ModelRegistry.CONFIG_ARTIFACT));
        assertThat(Files.readString(target.resolve("model.onnx"))).isEqualTo("weights-2");
        String ref = "sha256:" + sha256("weights-2");
        assertThat(downloaded.config()).hasValueSatisfying(c -> assertThat(c.artifacts().get("weights")).isEqualTo(ref));
    }

    @Test
    void missingModelsAreEmptyOrNotFound() {
        assertThat(client.latest("nobody", Stage.PRODUCTION)).isEmpty();
        assertThatThrownBy(() -> client.downloadModel("nobody", Stage.PRODUCTION, tmp.resolve("d")))
                .isInstanceOfSatisfying(TrackingClientException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(TrackingClientException.RESOURCE_DOES_NOT_EXIST);
                });
        assertThatThrownBy(() -> client.transitionStage("nobody", 1, Stage.PRODUCTION, false))
                .isInstanceOfSatisfying(TrackingClientException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void aBadModelIsRefusedBeforeAnythingIsLogged() throws Exception {
        Path weights = Files.writeString(tmp.resolve("w.onnx"), "w");
        assertThatThrownBy(() -> new ModelSpec("t", "a", null, Map.of("weights", tmp.resolve("missing.onnx"))))
                .isInstanceOfSatisfying(TrackingClientException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> new ModelSpec("t", "a", null, Map.of("weights", Files.writeString(tmp.resolve(ModelRegistry.CONFIG_ARTIFACT), "{}"))))
                .isInstanceOf(TrackingClientException.class).hasMessageContaining(ModelRegistry.CONFIG_ARTIFACT);
        assertThatThrownBy(() -> client.storeModel("faces", new ModelSpec("t", "a", null, Map.of("weights", weights)), " ",
                Map.of(), Map.of(), Map.of())).isInstanceOf(TrackingClientException.class).hasMessageContaining("name");
        assertThat(server.registry.names()).isEmpty();
    }

    static String sha256(String content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void rollbackRestoresThePreviousProductionVersion() throws Exception {
        ModelVersionInfo v1 = client.storeModel("faces", model("one"), "faces", Map.of(), Map.of(), Map.of());
        ModelVersionInfo v2 = client.storeModel("faces", model("two"), "faces", Map.of(), Map.of(), Map.of());
        client.transitionStage("faces", v1.version(), Stage.PRODUCTION, true);
        client.transitionStage("faces", v2.version(), Stage.PRODUCTION, true);

        ModelVersionInfo restored = client.rollback("faces");
        assertThat(restored.version()).isEqualTo(v1.version());
        assertThat(restored.stage()).isEqualTo(Stage.PRODUCTION);
        assertThat(client.productionModel("faces")).map(ModelVersionInfo::version).contains(v1.version());
        assertThat(server.registry.version("faces", v2.version()).stage()).isEqualTo(org.chimp.tracking.registry.Stage.ARCHIVED);
        // No earlier Production version: refused, nothing changes.
        assertThatThrownBy(() -> client.rollback("faces")).isInstanceOfSatisfying(TrackingClientException.class,
                e -> assertThat(e.getMessage()).contains("no earlier Production version"));
        assertThat(client.productionModel("faces")).map(ModelVersionInfo::version).contains(v1.version());
        assertThatThrownBy(() -> client.rollback("nobody")).isInstanceOfSatisfying(TrackingClientException.class,
                e -> assertThat(e.status()).isEqualTo(404));
    }
}
