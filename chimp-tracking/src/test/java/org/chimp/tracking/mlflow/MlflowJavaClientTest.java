package org.chimp.tracking.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import java.nio.file.Path;
import java.util.List;
import org.chimp.db.TestDatabases;
import org.chimp.http.BearerAuth;
import org.chimp.http.HttpErrors;
import org.chimp.http.Json;
import org.chimp.store.ArtifactStore;
import org.chimp.tracking.MemoryBlobStore;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.registry.ModelRegistry;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mlflow.api.proto.ModelRegistry.ModelVersion;
import org.mlflow.api.proto.ModelRegistry.RegisteredModel;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.RunsPage;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/** The official MLflow Java client against our routes, behind bearer auth as in a real deployment. */
class MlflowJavaClientTest {
    private static final String TOKEN = "test-token-0123456789abcdef";

    @TempDir
    Path tmp;

    private record Server(Javalin app, MlflowClient client, String uri) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
            app.stop();
        }
    }

    private Server start(HikariDataSource ds) {
        MemoryBlobStore blobs = new MemoryBlobStore();
        TrackingStore tracking = new TrackingStore(ds, blobs);
        ModelRegistry registry = new ModelRegistry(ds, new ArtifactStore(blobs, tmp.resolve("cache")));
        Javalin app = Javalin.create();
        HttpErrors.install(app);
        new BearerAuth(TOKEN, BearerAuth.defaultPublicPaths()).install(app);
        new MlflowRoutes(tracking, registry).addTo(app);
        app.start("127.0.0.1", 0);
        String uri = "http://127.0.0.1:" + app.port();
        // What new MlflowClient(uri) builds when MLFLOW_TRACKING_TOKEN is set.
        return new Server(app, new MlflowClient(new BasicMlflowHostCreds(uri, TOKEN)), uri);
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void experimentsRunsAndSearch(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open(); Server s = start(ds)) {
            MlflowClient c = s.client();
            String exp = c.createExperiment("faces");
            assertThat(c.getExperiment(exp).getName()).isEqualTo("faces");
            assertThat(c.getExperimentByName("faces").map(Experiment::getExperimentId)).contains(exp);
            assertThat(c.getExperimentByName("nope")).isEmpty();
            c.setExperimentTag(exp, "team", "vision");
            c.renameExperiment(exp, "faces2");
            assertThat(c.getExperiment(exp).getTagsList()).anySatisfy(t -> assertThat(t.getValue()).isEqualTo("vision"));
            assertThat(c.searchExperiments("name = 'faces2'").getItems()).extracting(Experiment::getExperimentId).containsExactly(exp);

            RunInfo good = c.createRun(exp);
            RunInfo bad = c.createRun(exp);
            c.logParam(good.getRunId(), "lr", "0.1");
            c.logMetric(good.getRunId(), "acc", 0.8, 10, 0);
            c.logMetric(good.getRunId(), "acc", 0.95, 20, 1);
            c.setTag(good.getRunId(), "team", "vision");
            c.logBatch(bad.getRunId(), List.of(Metric.newBuilder().setKey("acc").setValue(0.3).setTimestamp(5).setStep(0).build()),
                    List.of(Param.newBuilder().setKey("lr").setValue("0.5").build()),
                    List.of(RunTag.newBuilder().setKey("team").setValue("audio").build()));
            c.setTerminated(good.getRunId(), RunStatus.FINISHED);

            Run run = c.getRun(good.getRunId());
            assertThat(run.getInfo().getStatus()).isEqualTo(RunStatus.FINISHED);
            assertThat(run.getData().getParamsList()).extracting(Param::getValue).containsExactly("0.1");
            assertThat(run.getData().getMetricsList()).extracting(Metric::getValue).containsExactly(0.95);
            assertThat(c.getMetricHistory(good.getRunId(), "acc")).extracting(Metric::getValue).containsExactly(0.8, 0.95);

            assertThat(c.searchRuns(List.of(exp), "metrics.acc > 0.9 AND params.lr = '0.1'")).extracting(RunInfo::getRunId)
                    .containsExactly(good.getRunId());
            assertThat(c.searchRuns(List.of(exp), "tags.team LIKE 'aud%' AND attributes.status = 'RUNNING'"))
                    .extracting(RunInfo::getRunId).containsExactly(bad.getRunId());
            RunsPage first = c.searchRuns(List.of(exp), "", ViewType.ACTIVE_ONLY, 1, List.of("metrics.acc DESC"));
            assertThat(first.getItems()).extracting(r -> r.getInfo().getRunId()).containsExactly(good.getRunId());
            assertThat(first.hasNextPage()).isTrue();
            assertThat(first.getNextPage().getItems()).extracting(r -> r.getInfo().getRunId()).containsExactly(bad.getRunId());

            c.deleteTag(bad.getRunId(), "team");
            c.deleteRun(bad.getRunId());
            assertThat(c.searchRuns(List.of(exp), "")).extracting(RunInfo::getRunId).containsExactly(good.getRunId());
            assertThat(c.searchRuns(List.of(exp), "", ViewType.DELETED_ONLY)).extracting(RunInfo::getRunId)
                    .containsExactly(bad.getRunId());
            c.restoreRun(bad.getRunId());
            c.deleteExperiment(exp);
            assertThat(c.getExperiment(exp).getLifecycleStage()).isEqualTo("deleted");
            c.restoreExperiment(exp);

            assertThatThrownBy(() -> c.getRun("0123456789abcdef0123456789abcdef")).isInstanceOfSatisfying(MlflowHttpException.class, e -> {
                assertThat(e.getStatusCode()).isEqualTo(404);
                assertThat(e.getBodyMessage()).contains("RESOURCE_DOES_NOT_EXIST");
            });
            assertThatThrownBy(() -> c.searchRuns(List.of(exp), "metrics.acc >> 1")).isInstanceOfSatisfying(MlflowHttpException.class,
                    e -> assertThat(e.getBodyMessage()).contains("INVALID_PARAMETER_VALUE"));
            try (MlflowClient anonymous = new MlflowClient(new BasicMlflowHostCreds(s.uri()))) {
                assertThatThrownBy(() -> anonymous.getExperiment(exp)).isInstanceOfSatisfying(MlflowHttpException.class,
                        e -> assertThat(e.getStatusCode()).isEqualTo(401));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void registryReadsAndWritesThroughSendPost(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open(); Server s = start(ds)) {
            MlflowClient c = s.client();
            RunInfo run = c.createRun();
            c.sendPost("registered-models/create", "{\"name\": \"faces\", \"tags\": [{\"key\": \"team\", \"value\": \"vision\"}]}");
            for (int i = 0; i < 2; i++) {
                JsonNode created = Json.MAPPER.readTree(c.sendPost("model-versions/create", """
                        {"name": "faces", "source": "%s/model", "run_id": "%s"}""".formatted(run.getArtifactUri(), run.getRunId())));
                assertThat(created.at("/model_version/version").asText()).isEqualTo(String.valueOf(i + 1));
            }
            c.sendPost("model-versions/transition-stage", """
                    {"name": "faces", "version": "2", "stage": "Production", "archive_existing_versions": true}""");
            c.sendPost("registered-models/alias", "{\"name\": \"faces\", \"alias\": \"champion\", \"version\": \"1\"}");
            c.sendPost("model-versions/set-tag", "{\"name\": \"faces\", \"version\": \"1\", \"key\": \"ok\", \"value\": \"yes\"}");
            c.sendPatch("registered-models/update", "{\"name\": \"faces\", \"description\": \"emotions\"}");

            RegisteredModel model = c.getRegisteredModel("faces");
            assertThat(model.getDescription()).isEqualTo("emotions");
            assertThat(model.getAliasesList()).anySatisfy(a -> assertThat(a.getAlias()).isEqualTo("champion"));
            assertThat(c.getLatestVersions("faces", List.of("Production"))).extracting(ModelVersion::getVersion).containsExactly("2");
            ModelVersion v1 = c.getModelVersion("faces", "1");
            assertThat(v1.getRunId()).isEqualTo(run.getRunId());
            assertThat(v1.getAliasesList()).containsExactly("champion");
            assertThat(v1.getTagsList()).anySatisfy(t -> assertThat(t.getKey()).isEqualTo("ok"));
            assertThat(c.getModelVersionDownloadUri("faces", "2")).isEqualTo(run.getArtifactUri() + "/model");
            assertThat(c.searchModelVersions("name = 'faces' AND tags.ok = 'yes'").getItems()).extracting(ModelVersion::getVersion)
                    .containsExactly("1");

            c.sendPost("model-versions/delete", "{\"name\": \"faces\", \"version\": \"1\"}");
            assertThatThrownBy(() -> c.getModelVersion("faces", "1")).isInstanceOfSatisfying(MlflowHttpException.class,
                    e -> assertThat(e.getStatusCode()).isEqualTo(404));
            c.sendPost("registered-models/rename", "{\"name\": \"faces\", \"new_name\": \"emotions\"}");
            assertThat(c.getRegisteredModel("emotions").getLatestVersionsList()).extracting(ModelVersion::getVersion).containsExactly("2");
            c.sendPost("registered-models/delete", "{\"name\": \"emotions\"}");
            assertThatThrownBy(() -> c.getRegisteredModel("emotions")).isInstanceOfSatisfying(MlflowHttpException.class,
                    e -> assertThat(e.getStatusCode()).isEqualTo(404));
            assertThatThrownBy(() -> c.sendPost("model-versions/create", "{\"name\": \"nope\", \"source\": \"s3://x\"}"))
                    .isInstanceOfSatisfying(MlflowHttpException.class, e -> assertThat(e.getStatusCode()).isEqualTo(404));
        }
    }
}
