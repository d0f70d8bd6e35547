package org.chimp.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TrackingSearchTest {
    /** Three runs: a (acc 0.95, lr 0.1, FINISHED), b (acc 0.5, lr 0.01), c (no acc, tag team=vision). */
    private record Fixture(TrackingStore store, String experiment, String a, String b, String c) {
        List<String> names(String filter, String... orderBy) {
            return store.searchRuns(List.of(experiment), filter, List.of(orderBy), ViewType.ACTIVE_ONLY, 100, 0)
                    .stream().map(r -> r.info().runName()).toList();
        }
    }

    private static Fixture fixture(HikariDataSource ds) {
        TrackingStore store = new TrackingStore(ds, new MemoryBlobStore());
        String exp = store.createExperiment("search", null, Map.of());
        String a = store.createRun(exp, "a", "ann", 1000, Map.of()).runId();
        String b = store.createRun(exp, "b", "bob", 2000, Map.of("team", "audio")).runId();
        String c = store.createRun(exp, "c", null, 3000, Map.of("team", "vision", "my key", "x")).runId();
        store.logBatch(a, List.of(new Metric("acc", 0.95, 1, 0), new Metric("my metric", 3, 1, 0)), Map.of("lr", "0.1"), Map.of());
        store.logBatch(b, List.of(new Metric("acc", 0.1, 1, 0), new Metric("acc", 0.5, 2, 1)), Map.of("lr", "0.01"), Map.of());
        store.updateRun(a, RunStatus.FINISHED, 5000L, null);
        return new Fixture(store, exp, a, b, c);
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void filtersRunsByMetricsParamsTagsAndAttributes(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            Fixture f = fixture(ds);
            assertThat(f.names(null)).containsExactly("c", "b", "a");
            assertThat(f.names("metrics.acc > 0.9")).containsExactly("a");
            assertThat(f.names("metrics.acc < 0.9")).as("the latest value (step 1) counts").containsExactly("b");
            assertThat(f.names("metrics.acc != 0.5")).as("runs without the metric do not match").containsExactly("a");
            assertThat(f.names("metrics.`my metric` >= 3")).containsExactly("a");
            assertThat(f.names("params.lr = '0.1'")).containsExactly("a");
            assertThat(f.names("params.lr IN ('0.1', '0.01')")).containsExactly("b", "a");
            assertThat(f.names("params.lr NOT IN ('0.1')")).containsExactly("b");
            assertThat(f.names("tags.team LIKE 'vis%'")).containsExactly("c");
            assertThat(f.names("tags.team ILIKE '%AUDIO%'")).containsExactly("b");
            assertThat(f.names("tags.\"my key\" = 'x'")).containsExactly("c");
            assertThat(f.names("attributes.status = 'FINISHED'")).containsExactly("a");
            assertThat(f.names("attributes.status != 'FINISHED'")).containsExactly("c", "b");
            assertThat(f.names("attributes.run_name = 'b'")).containsExactly("b");
            assertThat(f.names("attributes.run_name LIKE '%'  AND attributes.start_time > 1500")).containsExactly("c", "b");
            assertThat(f.names("attributes.end_time <= 5000")).containsExactly("a");
            assertThat(f.names("attributes.user_id = 'bob'")).containsExactly("b");
            assertThat(f.names("attributes.run_id IN ('" + f.a() + "', '" + f.c() + "')")).containsExactly("c", "a");
            assertThat(f.names("tags.mlflow.runName = 'a' AND params.lr = '0.1' AND metrics.acc > 0.9")).containsExactly("a");
            assertThat(f.names("params.lr = '0.1' AND params.lr = '0.01'")).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void ordersRunsWithMissingValuesLastAndPages(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            Fixture f = fixture(ds);
            assertThat(f.names(null, "metrics.acc DESC")).containsExactly("a", "b", "c");
            assertThat(f.names(null, "metrics.acc ASC")).containsExactly("b", "a", "c");
            assertThat(f.names(null, "attributes.start_time")).containsExactly("a", "b", "c");
            assertThat(f.names(null, "params.lr DESC")).containsExactly("a", "b", "c");
            assertThat(f.names(null, "tags.team", "attributes.run_name DESC")).containsExactly("b", "c", "a");
            List<String> paged = new ArrayList<>();
            for (int offset = 0; offset < 3; offset++) {
                f.store().searchRuns(List.of(f.experiment()), null, List.of("attributes.run_name"), ViewType.ACTIVE_ONLY, 1, offset)
                        .forEach(r -> paged.add(r.info().runName()));
            }
            assertThat(paged).containsExactly("a", "b", "c");
            Run a = f.store().searchRuns(List.of(f.experiment()), "attributes.run_name = 'a'", List.of(), ViewType.ALL, 10, 0).get(0);
            assertThat(a.params()).containsEntry("lr", "0.1");
            assertThat(a.metrics()).extracting(Metric::key).containsExactly("acc", "my metric");
            assertThat(f.store().searchRuns(List.of(), null, List.of(), ViewType.ALL, 10, 0)).isEmpty();
            assertThatThrownBy(() -> f.names("attributes.color = 'red'")).isInstanceOf(ClientErrorException.class);
            assertThatThrownBy(() -> f.names(null, "metrics.acc SIDEWAYS")).isInstanceOf(ClientErrorException.class);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void deletedRunsAndExperimentsAreSoftDeletedAndRestorable(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            Fixture f = fixture(ds);
            TrackingStore store = f.store();
            store.deleteRun(f.b());
            assertThat(f.names(null)).containsExactly("c", "a");
            assertThat(store.searchRuns(List.of(f.experiment()), null, List.of(), ViewType.DELETED_ONLY, 10, 0))
                    .extracting(r -> r.info().runName()).containsExactly("b");
            assertThat(store.getRun(f.b()).info().lifecycleStage()).isEqualTo("deleted");
            assertThatThrownBy(() -> store.logParam(f.b(), "x", "1")).hasMessageContaining("deleted");
            store.restoreRun(f.b());
            assertThat(f.names(null)).containsExactly("c", "b", "a");

            store.deleteTag(f.c(), "team");
            assertThat(store.getRun(f.c()).tags()).doesNotContainKey("team");
            assertThatThrownBy(() -> store.deleteTag(f.c(), "team")).isInstanceOfSatisfying(ClientErrorException.class,
                    e -> assertThat(e.status()).isEqualTo(404));

            store.setExperimentTag(f.experiment(), "team", "vision");
            store.renameExperiment(f.experiment(), "renamed");
            assertThat(store.getExperimentByName("renamed").tags()).containsEntry("team", "vision");
            assertThatThrownBy(() -> store.renameExperiment(f.experiment(), "Default")).isInstanceOfSatisfying(
                    ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(409));
            store.deleteExperiment(f.experiment());
            assertThat(store.getExperiment(f.experiment()).lifecycleStage()).isEqualTo("deleted");
            assertThat(f.names(null)).as("the experiment's runs are deleted with it").isEmpty();
            assertThat(store.searchExperiments(null, List.of(), ViewType.ACTIVE_ONLY, 10, 0)).extracting(Experiment::name)
                    .containsExactly("Default");
            assertThat(store.searchExperiments(null, List.of(), ViewType.DELETED_ONLY, 10, 0)).extracting(Experiment::name)
                    .containsExactly("renamed");
            assertThatThrownBy(() -> store.setExperimentTag(f.experiment(), "k", "v")).hasMessageContaining("restore");
            assertThatThrownBy(() -> store.createRun(f.experiment(), "x", null, 1, Map.of())).hasMessageContaining("deleted");
            assertThatThrownBy(() -> store.deleteExperiment("0")).hasMessageContaining("Default");
            store.restoreExperiment(f.experiment());
            assertThat(f.names(null)).containsExactly("c", "b", "a");
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void searchesExperimentsByNameTagsAndTimes(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            TrackingStore store = new TrackingStore(ds, new MemoryBlobStore());
            store.createExperiment("faces-a", null, Map.of("team", "vision"));
            store.createExperiment("faces-b", null, Map.of("team", "audio"));
            store.createExperiment("cars", null, Map.of());
            assertThat(search(store, "name LIKE 'faces%'", "name DESC")).containsExactly("faces-b", "faces-a");
            assertThat(search(store, "attributes.name ILIKE 'CARS'")).containsExactly("cars");
            assertThat(search(store, "tags.team = 'vision'")).containsExactly("faces-a");
            assertThat(search(store, "creation_time > 0", "name")).containsExactly("cars", "faces-a", "faces-b");
            assertThat(search(store, "creation_time > 0 AND name != 'cars'", "experiment_id DESC")).containsExactly("faces-b", "faces-a");
            assertThatThrownBy(() -> search(store, "metrics.acc > 1")).hasMessageContaining("does not support metrics");
        }
    }

    private static List<String> search(TrackingStore store, String filter, String... orderBy) {
        return store.searchExperiments(filter, List.of(orderBy), ViewType.ACTIVE_ONLY, 100, 0).stream().map(Experiment::name).toList();
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void historyPagesAndArtifactsListByDirectory(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            TrackingStore store = new TrackingStore(ds, new MemoryBlobStore());
            ActiveRun run = store.startRun("0", "r", Map.of());
            List<Metric> values = new ArrayList<>();
            for (int step = 0; step < 5; step++) {
                values.add(new Metric("loss", 1.0 / (step + 1), 100 + step, step));
            }
            store.logBatch(run.id(), values, Map.of(), Map.of());
            assertThat(store.metricHistory(run.id(), "loss", 2, 2)).extracting(Metric::step).containsExactly(2L, 3L);
            assertThat(store.metricHistory(run.id(), "loss")).hasSize(5);

            run.logArtifact("model/model.onnx", new byte[] {1, 2, 3});
            run.logArtifact("model/sub/x.txt", new byte[] {1});
            run.logArtifact("readme.md", new byte[10]);
            assertThat(store.listArtifacts(run.id(), null)).containsExactly(
                    new ArtifactFile("model", true, null), new ArtifactFile("readme.md", false, 10L));
            assertThat(store.listArtifacts(run.id(), "model/")).containsExactly(
                    new ArtifactFile("model/model.onnx", false, 3L), new ArtifactFile("model/sub", true, null));
            assertThat(store.listArtifacts(run.id(), "nothing")).isEmpty();
            assertThatThrownBy(() -> store.listArtifacts(run.id(), "../x")).isInstanceOf(ClientErrorException.class);
        }
    }
}
