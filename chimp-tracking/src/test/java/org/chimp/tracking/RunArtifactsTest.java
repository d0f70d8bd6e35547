package org.chimp.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.TestDatabases;
import org.chimp.store.ArtifactStore;
import org.chimp.store.BlobStore;
import org.chimp.store.FileBlobStore;
import org.chimp.store.S3BlobStore;
import org.chimp.store.S3TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Run artifacts are content-addressed: stored once under their sha256, mapped per run, checked on read. */
class RunArtifactsTest {
    private static final byte[] WEIGHTS = "the same weights".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    private record Setup(TrackingStore store, BlobStore blobs, String experiment) {
    }

    private Setup setup(HikariDataSource ds, BlobStore blobs) {
        TrackingStore store = new TrackingStore(ds, blobs, new ArtifactStore(blobs, tmp.resolve("cache")));
        return new Setup(store, blobs, store.getOrCreateExperiment("artifacts-" + System.nanoTime()));
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void overTheFilesystemStore(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open()) {
            BlobStore blobs = new FileBlobStore(tmp.resolve("store"));
            twoRunsLoggingTheSameBytesStoreOneBlob(setup(ds, blobs));
            aCorruptBlobIsAnErrorNotWrongBytes(setup(ds, blobs));
            artifactsStoredUnderPathKeysBeforeStayReadableAndDeletable(setup(ds, blobs));
            overLongPathsAre400sAndConcurrentWritesOfOnePathNever500(setup(ds, blobs));
        }
    }

    private void overLongPathsAre400sAndConcurrentWritesOfOnePathNever500(Setup s) throws Exception {
        String run = s.store().createRun(s.experiment(), "r", "u", 1, Map.of()).runId();
        assertThatThrownBy(() -> s.store().logArtifact(run, "a/" + "x".repeat(3000), new byte[] {1}))
                .isInstanceOf(ClientErrorException.class).hasMessageContaining("at most 1024");
        java.util.concurrent.ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                byte[] content = {(byte) i};
                writes.add(pool.submit(() -> {
                    s.store().logArtifact(run, "same/path.bin", content);
                    return null;
                }));
            }
            for (Future<?> w : writes) {
                w.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(s.store().openArtifact(run, "same/path.bin").readAllBytes()).hasSize(1);
    }

    @Test
    void overS3() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("s3"));
        try (S3TestServer server = S3TestServer.start(dir); HikariDataSource ds = TestDatabases.Kind.H2.open();
                S3BlobStore blobs = server.store("run-artifacts", "chimp/" + UUID.randomUUID() + "/")) {
            twoRunsLoggingTheSameBytesStoreOneBlob(setup(ds, blobs));
            aCorruptBlobIsAnErrorNotWrongBytes(setup(ds, blobs));
            artifactsStoredUnderPathKeysBeforeStayReadableAndDeletable(setup(ds, blobs));
        }
    }

    private void twoRunsLoggingTheSameBytesStoreOneBlob(Setup s) throws Exception {
        ActiveRun a = s.store().startRun(s.experiment(), "a", Map.of());
        ActiveRun b = s.store().startRun(s.experiment(), "b", Map.of());
        a.logArtifact("model/model.onnx", WEIGHTS);
        s.store().logArtifact(b.id(), "copy/weights.bin", new ByteArrayInputStream(WEIGHTS));

        assertThat(s.blobs().list("artifacts/sha256/")).hasSize(1);
        assertThat(s.blobs().list("artifacts/" + s.experiment() + "/")).as("nothing under path keys").isEmpty();
        assertThat(read(s.store(), a.id(), "model/model.onnx")).isEqualTo(WEIGHTS);
        assertThat(read(s.store(), b.id(), "copy/weights.bin")).isEqualTo(WEIGHTS);
        assertThat(s.store().listArtifacts(b.id(), "copy")).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("copy/weights.bin");
            assertThat(f.fileSize()).isEqualTo(WEIGHTS.length);
        });

        // Deleting one run's artifact removes its mapping only: the other run still reads the shared blob.
        s.store().deleteArtifacts(a.id(), "model");
        assertThat(s.store().listArtifacts(a.id())).isEmpty();
        assertThatThrownBy(() -> s.store().openArtifact(a.id(), "model/model.onnx"))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThat(read(s.store(), b.id(), "copy/weights.bin")).isEqualTo(WEIGHTS);

        // Logging again at a path replaces what it maps to.
        s.store().logArtifact(b.id(), "copy/weights.bin", "newer".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(read(s.store(), b.id(), "copy/weights.bin"), StandardCharsets.UTF_8)).isEqualTo("newer");
        assertThat(s.store().listArtifacts(b.id())).containsExactly("copy/weights.bin");
    }

    private void aCorruptBlobIsAnErrorNotWrongBytes(Setup s) throws Exception {
        byte[] content = "weights to corrupt".getBytes(StandardCharsets.UTF_8);
        ActiveRun run = s.store().startRun(s.experiment(), "r", Map.of());
        run.logArtifact("model/model.onnx", content);
        String key = "artifacts/sha256/" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        assertThat(s.blobs().exists(key)).isTrue();
        s.blobs().put(key, new ByteArrayInputStream("the wrong weights".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> read(s.store(), run.id(), "model/model.onnx")).isInstanceOf(IOException.class)
                .hasMessageContaining("sha256");
    }

    private void artifactsStoredUnderPathKeysBeforeStayReadableAndDeletable(Setup s) throws Exception {
        ActiveRun run = s.store().startRun(s.experiment(), "old", Map.of());
        String root = "artifacts/" + s.experiment() + "/" + run.id() + "/artifacts/";
        s.blobs().put(root + "old/notes%_.txt", new ByteArrayInputStream(WEIGHTS));
        run.logArtifact("new.txt", "new".getBytes(StandardCharsets.UTF_8));

        assertThat(s.store().listArtifacts(run.id())).containsExactly("new.txt", "old/notes%_.txt");
        assertThat(read(s.store(), run.id(), "old/notes%_.txt")).isEqualTo(WEIGHTS);
        assertThat(s.store().listArtifacts(run.id(), "old")).singleElement()
                .satisfies(f -> assertThat(f.fileSize()).isEqualTo(WEIGHTS.length));

        s.store().deleteArtifacts(run.id(), "old");
        assertThat(s.store().listArtifacts(run.id())).containsExactly("new.txt");
        s.store().deleteArtifacts(run.id(), "");
        assertThat(s.store().listArtifacts(run.id())).isEmpty();
    }

    private static byte[] read(TrackingStore store, String runId, String path) throws IOException {
        try (InputStream in = store.openArtifact(runId, path)) {
            return in.readAllBytes();
        }
    }
}
