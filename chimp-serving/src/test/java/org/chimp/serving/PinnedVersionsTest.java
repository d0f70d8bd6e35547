package org.chimp.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.chimp.api.RunContext;
import org.chimp.api.Tasks;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.TestDatabases;
import org.chimp.tracking.registry.ModelVersion;
import org.chimp.tracking.registry.RegistryEvent;
import org.chimp.tracking.registry.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versions leased by number ({@link Deployments#get(String, int)}), as on-chain jobs pinned to a version use them. */
class PinnedVersionsTest {
    @TempDir
    Path dir;
    private ServingFixture f;

    @BeforeEach
    void open() {
        f = new ServingFixture(TestDatabases.Kind.H2, dir);
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aPinnedVersionKeepsAnsweringWhileProductionMovesOn() {
        int v1 = f.registerIn("faces", ServingFixture.upright(), Stage.PRODUCTION);
        int v2 = f.registerIn("faces", ServingFixture.flipped(), Stage.PRODUCTION); // archives v1
        f.settle();
        try (Lease pinned = f.deployments.get("faces", v1); Lease production = f.deployments.get("faces", Stage.PRODUCTION)) {
            assertThat(pinned.version().version()).isEqualTo(v1);
            assertThat(pinned.version().stage()).isEqualTo(Stage.ARCHIVED);
            assertThat(label(pinned)).isEqualTo("top");
            assertThat(production.version().version()).isEqualTo(v2);
            assertThat(label(production)).isEqualTo("bottom");
        }
        // A version in no stage at all can be pinned too.
        int v3 = f.register("faces", ServingFixture.upright(), ServingFixture.LABELS);
        try (Lease pinned = f.deployments.get("faces", v3)) {
            assertThat(label(pinned)).isEqualTo("top");
        }
    }

    @Test
    void evictionReleasesTheLeastRecentlyUsedButNeverUnderAnOpenLease() {
        int v1 = f.register("faces", ServingFixture.upright(), ServingFixture.LABELS);
        int v2 = f.register("faces", ServingFixture.flipped(), ServingFixture.LABELS);
        PinnedVersions cache = new PinnedVersions(f.registry, f.deployments::build, 1, false);
        try {
            Lease held = cache.get("faces", v1);
            cache.get("faces", v2).close(); // evicts v1
            assertThat(cache.loaded()).extracting(ModelVersion::version).containsExactly(v2);
            assertThat(label(held)).as("the evicted version still answers its open lease").isEqualTo("top");
            held.close();
            assertThatThrownBy(() -> label(held)).as("and is closed after it").isInstanceOf(IllegalStateException.class);

            try (Lease again = cache.get("faces", v1)) { // loaded anew
                assertThat(label(again)).isEqualTo("top");
            }
            assertThat(cache.loaded()).extracting(ModelVersion::version).containsExactly(v1);
        } finally {
            cache.close();
        }
    }

    @Test
    void aCachedVersionIsReusedNotReloaded() {
        int v1 = f.register("faces", ServingFixture.upright(), ServingFixture.LABELS);
        Lease first = f.deployments.get("faces", v1);
        try (Lease second = f.deployments.get("faces", v1)) {
            assertThat(second.model()).isSameAs(first.model());
        }
        first.close();
        try (Lease third = f.deployments.get("faces", v1)) {
            assertThat(label(third)).as("the cache's own reference keeps it open").isEqualTo("top");
        }
    }

    @Test
    void unknownModelsAndVersionsAre404s() {
        f.register("faces", ServingFixture.upright(), ServingFixture.LABELS);
        assertThatThrownBy(() -> f.deployments.get("faces", 9))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessage("Model Version (name=faces, version=9) not found");
        assertThatThrownBy(() -> f.deployments.get("nope", 1))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void aDeletedVersionIsGoneAndClosedAfterItsLastLease() {
        int v1 = f.register("faces", ServingFixture.upright(), ServingFixture.LABELS);
        Lease held = f.deployments.get("faces", v1);
        f.registry.deleteVersion("faces", v1);
        assertThatThrownBy(() -> f.deployments.get("faces", v1))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThat(label(held)).as("a request already running finishes").isEqualTo("top");
        held.close();
        assertThatThrownBy(() -> label(held)).as("the deleted version is closed, not kept cached").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aDeletedModelTakesItsPinnedVersionsWithIt() {
        int v1 = f.register("faces", ServingFixture.upright(), ServingFixture.LABELS);
        Lease held = f.deployments.get("faces", v1);
        f.registry.deleteModel("faces");
        held.close();
        assertThatThrownBy(() -> label(held)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aVersionDeletedWhileItLoadsIsNotCached() {
        int v1 = f.register("faces", ServingFixture.upright(), ServingFixture.LABELS);
        AtomicReference<PinnedVersions> cache = new AtomicReference<>();
        cache.set(new PinnedVersions(f.registry, v -> {
            // the deletion's event arrives after the registry lookup, before the model is cached
            cache.get().onEvent(new RegistryEvent(RegistryEvent.Type.VERSION_DELETED, "faces", v1, Stage.NONE, null));
            return f.deployments.build(v);
        }, 2, false));
        try {
            Lease lease = cache.get().get("faces", v1);
            assertThat(label(lease)).as("the request that loaded it is answered").isEqualTo("top");
            assertThat(cache.get().loaded()).isEmpty();
            lease.close();
            assertThatThrownBy(() -> label(lease)).isInstanceOf(IllegalStateException.class);
        } finally {
            cache.get().close();
        }
    }

    private static String label(Lease lease) {
        return lease.model(Tasks.IMAGE_CLASSIFICATION).run(DeploymentsTest.TOP, RunContext.defaults()).bestLabel();
    }
}
