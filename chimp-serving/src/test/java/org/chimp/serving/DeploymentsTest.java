package org.chimp.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.chimp.api.Architectures;
import org.chimp.api.RunContext;
import org.chimp.api.Tasks;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.Image;
import org.chimp.db.TestDatabases;
import org.chimp.store.ArtifactStore;
import org.chimp.store.FileBlobStore;
import org.chimp.tracking.registry.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DeploymentsTest {
    static final Image TOP = new Image(2, 2, 1, new float[] {1, 1, 0, 0});

    @TempDir
    Path dir;
    private ServingFixture f;

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void firstRequestLoadsTheProductionVersion(TestDatabases.Kind kind) {
        f = new ServingFixture(kind, dir);
        f.registerIn("faces", ServingFixture.upright(), Stage.PRODUCTION);
        assertThat(f.deployments.loaded()).isEmpty();
        try (Lease lease = f.deployments.get("faces", Stage.PRODUCTION)) {
            assertThat(lease.version().version()).isEqualTo(1);
            assertThat(lease.model(Tasks.IMAGE_CLASSIFICATION).run(TOP, RunContext.defaults()).bestLabel()).isEqualTo("top");
        }
        assertThat(f.deployments.loaded()).containsExactly(new LoadedModel("faces", "Production", 1));
        assertThat(f.deployments.available()).containsExactly("faces");
    }

    @Test
    void unknownModelAndEmptyStageAre404s() {
        f = new ServingFixture(TestDatabases.Kind.H2, dir);
        f.register("faces", ServingFixture.upright(), ServingFixture.LABELS);
        assertThatThrownBy(() -> f.deployments.get("nope", Stage.PRODUCTION))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessage("no registered model 'nope'");
        assertThatThrownBy(() -> f.deployments.get("faces", Stage.PRODUCTION))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessage("model 'faces' has no version in stage Production; promote one with POST "
                        + "/api/2.0/mlflow/model-versions/transition-stage");
    }

    @Test
    void aVersionWithoutChimpConfigIsAConflictNotACrash() {
        f = new ServingFixture(TestDatabases.Kind.H2, dir);
        f.registry.createModel("external", "", java.util.Map.of());
        f.registry.createVersion("external", null, "s3://bucket/model", null, "made outside CHIMP");
        f.registry.transitionStage("external", 1, Stage.PRODUCTION, false);
        assertThatThrownBy(() -> f.deployments.get("external", Stage.PRODUCTION))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(409))
                .hasMessageContaining("no CHIMP model config");
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void promotionSwapsInTheNewVersionAndClosesTheOldOneAfterItsLastLease(TestDatabases.Kind kind) {
        f = new ServingFixture(kind, dir);
        f.registerIn("faces", ServingFixture.upright(), Stage.PRODUCTION);
        Lease held = f.deployments.get("faces", Stage.PRODUCTION);
        int v2 = f.registerIn("faces", ServingFixture.flipped(), Stage.PRODUCTION);
        f.settle();

        try (Lease now = f.deployments.get("faces", Stage.PRODUCTION)) {
            assertThat(now.version().version()).isEqualTo(v2);
            assertThat(now.model(Tasks.IMAGE_CLASSIFICATION).run(TOP, RunContext.defaults()).bestLabel()).isEqualTo("bottom");
        }
        // The request that started before the swap still has a working model ...
        assertThat(held.model(Tasks.IMAGE_CLASSIFICATION).run(TOP, RunContext.defaults()).bestLabel()).isEqualTo("top");
        held.close();
        // ... which is closed once that request is done.
        assertThatThrownBy(() -> held.model(Tasks.IMAGE_CLASSIFICATION).run(TOP, RunContext.defaults())).isInstanceOf(IllegalStateException.class);
        assertThat(f.deployments.loaded()).containsExactly(new LoadedModel("faces", "Production", v2));
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void rollbackSwitchesServingBackWithoutARestart(TestDatabases.Kind kind) {
        f = new ServingFixture(kind, dir);
        f.registerIn("faces", ServingFixture.upright(), Stage.PRODUCTION);
        int v2 = f.registerIn("faces", ServingFixture.flipped(), Stage.PRODUCTION);
        try (Lease now = f.deployments.get("faces", Stage.PRODUCTION)) {
            assertThat(now.version().version()).isEqualTo(v2);
            assertThat(now.model(Tasks.IMAGE_CLASSIFICATION).run(TOP, RunContext.defaults()).bestLabel()).isEqualTo("bottom");
        }
        f.registry.rollback("faces");
        f.settle();
        try (Lease now = f.deployments.get("faces", Stage.PRODUCTION)) {
            assertThat(now.version().version()).isEqualTo(1);
            assertThat(now.model(Tasks.IMAGE_CLASSIFICATION).run(TOP, RunContext.defaults()).bestLabel()).isEqualTo("top");
        }
        assertThat(f.deployments.loaded()).containsExactly(new LoadedModel("faces", "Production", 1));
    }

    @Test
    void aVersionThatFailsToLoadLeavesTheOldOneAnswering() {
        f = new ServingFixture(TestDatabases.Kind.H2, dir);
        f.registerIn("faces", ServingFixture.upright(), Stage.PRODUCTION);
        f.deployments.get("faces", Stage.PRODUCTION).close();
        // Two labels for a three-class output: the architecture refuses to build it.
        int broken = f.register("faces", ServingFixture.upright(), List.of("yes", "no"));
        f.promote("faces", broken, Stage.PRODUCTION);
        f.settle();
        try (Lease lease = f.deployments.get("faces", Stage.PRODUCTION)) {
            assertThat(lease.version().version()).isEqualTo(1);
            assertThat(lease.model(Tasks.IMAGE_CLASSIFICATION).run(TOP, RunContext.defaults()).bestLabel()).isEqualTo("top");
        }
    }

    @Test
    void aBrokenVersionOnFirstLoadIsA409NamingIt() {
        f = new ServingFixture(TestDatabases.Kind.H2, dir);
        int broken = f.register("faces", ServingFixture.upright(), List.of("yes", "no"));
        f.promote("faces", broken, Stage.PRODUCTION);
        assertThatThrownBy(() -> f.deployments.get("faces", Stage.PRODUCTION))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(409))
                .hasMessageContaining("model 'faces' version 1 (Production) cannot be loaded").hasMessageContaining("2 labels");
    }

    @Test
    void anUnreadableArtifactIsA409WithoutItsDetails() throws Exception {
        f = new ServingFixture(TestDatabases.Kind.H2, dir);
        f.registerIn("faces", ServingFixture.upright(), Stage.PRODUCTION);
        // A cache whose copy of the weights does not match their hash: the store is corrupt (an internal failure).
        String hex = f.registry.latest("faces", Stage.PRODUCTION).orElseThrow().config().artifacts().get("weights").substring(7);
        Path cache = Files.createDirectories(dir.resolve("other-cache"));
        Files.writeString(cache.resolve(hex), "tampered");
        try (Deployments d = new Deployments(f.registry, new ArtifactStore(new FileBlobStore(dir.resolve("blobs")), cache),
                Architectures.load())) {
            assertThatThrownBy(() -> d.get("faces", Stage.PRODUCTION))
                    .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(409))
                    .hasMessage("model 'faces' version 1 (Production) cannot be loaded: its artifacts could not be read; "
                            + "the server log has the details");
        }
    }

    @Test
    void aFailedLoadIsNotRetriedByEveryRequestButByAReload() throws Exception {
        f = new ServingFixture(TestDatabases.Kind.H2, dir);
        f.registerIn("faces", ServingFixture.upright(), Stage.PRODUCTION);
        f.deployments.idle().get(); // the promotion's own reload, which would otherwise race the steps below
        String hex = f.registry.latest("faces", Stage.PRODUCTION).orElseThrow().config().artifacts().get("weights").substring(7);
        Path blob;
        try (var files = Files.walk(dir.resolve("blobs"))) {
            blob = files.filter(p -> p.getFileName().toString().contains(hex)).findFirst().orElseThrow();
        }
        Path away = Files.move(blob, dir.resolve("away"));
        Files.deleteIfExists(dir.resolve("cache").resolve(hex));
        assertThatThrownBy(() -> f.deployments.get("faces", Stage.PRODUCTION))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(409));
        Files.move(away, blob); // the store is whole again, but requests keep the remembered answer for a while
        assertThatThrownBy(() -> f.deployments.get("faces", Stage.PRODUCTION))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(409))
                .hasMessageContaining("model 'faces' version 1 (Production) cannot be loaded");
        assertThat(f.deployments.reload()).containsExactly("faces");
        try (Lease lease = f.deployments.get("faces", Stage.PRODUCTION)) {
            assertThat(lease.version().version()).isEqualTo(1);
        }
    }

    @Test
    void archivingTheProductionVersionStopsServingIt() {
        f = new ServingFixture(TestDatabases.Kind.H2, dir);
        int v1 = f.registerIn("faces", ServingFixture.upright(), Stage.PRODUCTION);
        f.deployments.get("faces", Stage.PRODUCTION).close();
        f.promote("faces", v1, Stage.ARCHIVED);
        f.settle();
        assertThat(f.deployments.loaded()).isEmpty();
        assertThatThrownBy(() -> f.deployments.get("faces", Stage.PRODUCTION))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void stagingAndProductionAreServedSeparately() {
        f = new ServingFixture(TestDatabases.Kind.H2, dir);
        f.registerIn("faces", ServingFixture.upright(), Stage.PRODUCTION);
        f.registerIn("faces", ServingFixture.flipped(), Stage.STAGING);
        try (Lease prod = f.deployments.get("faces", Stage.PRODUCTION);
             Lease staging = f.deployments.get("faces", Stage.STAGING)) {
            assertThat(prod.model(Tasks.IMAGE_CLASSIFICATION).run(TOP, RunContext.defaults()).bestLabel()).isEqualTo("top");
            assertThat(staging.model(Tasks.IMAGE_CLASSIFICATION).run(TOP, RunContext.defaults()).bestLabel()).isEqualTo("bottom");
        }
    }

    @Test
    void reloadLoadsEveryProductionModelAndReportsWhatChanged() {
        f = new ServingFixture(TestDatabases.Kind.H2, dir);
        f.registerIn("faces", ServingFixture.upright(), Stage.PRODUCTION);
        f.registerIn("cats", ServingFixture.flipped(), Stage.PRODUCTION);
        f.register("drafts", ServingFixture.upright(), ServingFixture.LABELS);
        assertThat(f.deployments.reload()).containsExactlyInAnyOrder("faces", "cats");
        assertThat(f.deployments.loaded()).containsExactly(new LoadedModel("cats", "Production", 1),
                new LoadedModel("faces", "Production", 1));
        assertThat(f.deployments.reload()).isEmpty();
    }

    @Test
    void concurrentRequestsDuringSwapsNeverFail() throws Exception {
        f = new ServingFixture(TestDatabases.Kind.H2, dir);
        int v1 = f.registerIn("faces", ServingFixture.upright(), Stage.PRODUCTION);
        int v2 = f.register("faces", ServingFixture.flipped(), ServingFixture.LABELS);
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Set<Integer> versionsSeen = ConcurrentHashMap.newKeySet();
        AtomicInteger requests = new AtomicInteger();
        List<Thread> clients = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    try (Lease lease = f.deployments.get("faces", Stage.PRODUCTION)) {
                        String label = lease.model(Tasks.IMAGE_CLASSIFICATION).runBatch(List.of(TOP, TOP), RunContext.defaults()).get(0).bestLabel();
                        int v = lease.version().version();
                        if (!label.equals(v == v1 ? "top" : "bottom")) {
                            throw new AssertionError("version " + v + " answered " + label);
                        }
                        versionsSeen.add(v);
                        requests.incrementAndGet();
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            });
            t.start();
            clients.add(t);
        }
        // The clients are answering before the first swap and have seen v2 before the swaps go on: on a loaded
        // machine they might otherwise get no request through while v2 is served, and the swaps run unwatched.
        awaitSeen(versionsSeen, v1, failures);
        for (int swap = 0; swap < 10; swap++) {
            f.promote("faces", swap % 2 == 0 ? v2 : v1, Stage.PRODUCTION);
            f.settle();
            if (swap == 0) {
                awaitSeen(versionsSeen, v2, failures);
            }
        }
        stop.set(true);
        for (Thread t : clients) {
            t.join();
        }
        assertThat(failures).isEmpty();
        assertThat(requests.get()).isPositive();
        assertThat(versionsSeen).containsExactlyInAnyOrder(v1, v2);
    }

    /** Waits until a client has been answered by this version, or one failed (which the test then reports). */
    private static void awaitSeen(Set<Integer> versionsSeen, int version, List<Throwable> failures) {
        Awaitility.await().alias("a client answered by version " + version).atMost(Duration.ofSeconds(60))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                .until(() -> !failures.isEmpty() || versionsSeen.contains(version));
    }
}
