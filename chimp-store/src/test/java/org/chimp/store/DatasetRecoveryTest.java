package org.chimp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;
import org.chimp.db.TestDatabases;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A process killed mid-upload, simulated in one JVM: the upload stops inside a blob write (a half-written temporary
 * file on disk) and never continues, and its scratch lock is released as the operating system does for a dead
 * process. A new store on the same database, blob store and work directory is the restarted node.
 */
class DatasetRecoveryTest {
    private static final UploadLimits LIMITS = new UploadLimits(1 << 20, 4 << 20, 100, 50);

    @TempDir
    Path dir;
    private HikariDataSource ds;
    private FileBlobStore blobs;
    private final CountDownLatch resume = new CountDownLatch(1);

    @AfterEach
    void close() {
        resume.countDown();
        if (ds != null) {
            ds.close();
        }
    }

    private Path work() {
        return dir.resolve("work");
    }

    /** A blob store that passes everything to {@link #blobs} but lets a test take over one put. */
    private final class Wrapped implements BlobStore {
        private final int at;
        private final PutHook hook;
        private final AtomicInteger puts = new AtomicInteger();
        private final AtomicInteger writing = new AtomicInteger();
        /** Whether puts after the hooked one wait for {@link #resume}, so a frozen upload writes nothing more. */
        private final boolean holdLater;

        Wrapped(int at, PutHook hook) {
            this(at, hook, false);
        }

        Wrapped(int at, PutHook hook, boolean holdLater) {
            this.at = at;
            this.hook = hook;
            this.holdLater = holdLater;
        }

        @Override
        public void put(String key, InputStream content) throws IOException {
            int n = puts.incrementAndGet();
            if (n == at) {
                hook.put(key, content);
            } else {
                if (holdLater && n > at) {
                    // Uploads store several blobs at once: the ones after the frozen one wait with it.
                    awaitResume();
                }
                writing.incrementAndGet();
                try {
                    blobs.put(key, content);
                } finally {
                    writing.decrementAndGet();
                }
            }
        }

        /** Waits until no put but the frozen one is writing (those before it may still be under way). */
        void awaitQuiet() {
            Awaitility.await().alias("no put but the frozen one writing").atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(10)).until(() -> writing.get() == 0);
        }

        @Override
        public InputStream get(String key) throws IOException {
            return blobs.get(key);
        }

        @Override
        public boolean exists(String key) {
            return blobs.exists(key);
        }

        @Override
        public List<String> list(String prefix) throws IOException {
            return blobs.list(prefix);
        }

        @Override
        public void delete(String key) throws IOException {
            blobs.delete(key);
        }

        @Override
        public void deleteAll(String prefix) throws IOException {
            blobs.deleteAll(prefix);
        }
    }

    private interface PutHook {
        void put(String key, InputStream content) throws IOException;
    }

    /** At the given put, writes half the object to its temporary file, signals {@code frozen}, waits for {@link #resume}. */
    private Wrapped freezingAt(int put, CountDownLatch frozen) {
        return new Wrapped(put, (key, content) -> {
            byte[] all = content.readAllBytes();
            blobs.put(key, new FilterInputStream(new ByteArrayInputStream(all)) {
                private int read;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (read >= all.length / 2) {
                        frozen.countDown();
                        awaitResume();
                        return super.read(b, off, len);
                    }
                    int n = super.read(b, off, Math.min(len, all.length / 2 - read));
                    read += Math.max(n, 0);
                    return n;
                }
            });
        }, true);
    }

    private void awaitResume() throws IOException {
        try {
            resume.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static DatasetVersion upload(DatasetStore store, String name, TestZips zip) {
        return store.upload(name, new ByteArrayInputStream(zip.bytes()));
    }

    /** Every regular file under the blob root, as keys (temporary files included). */
    private List<String> allBlobFiles() throws IOException {
        try (Stream<Path> files = Files.walk(blobs.root())) {
            return files.filter(Files::isRegularFile).map(p -> blobs.root().relativize(p).toString()).sorted().toList();
        }
    }

    private static TestZips bigger() {
        TestZips zip = TestZips.faces();
        for (int i = 0; i < 20; i++) {
            zip.image("train/calm/" + i + ".png", 100 + i);
        }
        return zip;
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aKilledUploadLeavesNoVersionNumberBlobsOrFilesAfterRecovery(TestDatabases.Kind kind) throws Exception {
        ds = kind.open();
        blobs = new FileBlobStore(dir.resolve("blobs"));
        ArtifactStore artifacts = new ArtifactStore(blobs, dir.resolve("cache"));
        String model = artifacts.put("model weights".getBytes());
        blobs.put("runs/r1/artifacts/out.txt", new ByteArrayInputStream("run output".getBytes()));

        ScratchSpace killedProcess = ScratchSpace.open(work().resolve("dataset-uploads"));
        CountDownLatch frozen = new CountDownLatch(1);
        Wrapped freezing = freezingAt(5 + 10, frozen);
        DatasetStore before = new DatasetStore(ds, freezing, LIMITS, killedProcess);
        DatasetVersion faces = upload(before, "faces", TestZips.faces());
        List<String> kept = allBlobFiles();
        // "cats" has no version yet: the killed upload would have been cats@1.
        CompletableFuture<DatasetVersion> zombie = CompletableFuture.supplyAsync(() -> upload(before, "cats", bigger()));
        assertThat(frozen.await(30, TimeUnit.SECONDS)).isTrue();
        freezing.awaitQuiet();
        assertThat(allBlobFiles()).hasSizeGreaterThan(kept.size()).anyMatch(f -> f.endsWith(BlobKeys.TEMP_SUFFIX));
        assertThat(before.list()).extracting(DatasetVersion::ref).containsExactly("faces@1");
        killedProcess.close();

        DatasetStore restarted = new DatasetStore(ds, blobs, LIMITS, work());
        assertThat(restarted.recover()).isEqualTo(1);

        assertThat(allBlobFiles()).containsExactlyElementsOf(kept);
        assertThat(blobs.list("datasets/cats/")).isEmpty();
        assertThat(dir.resolve("blobs/datasets/cats")).doesNotExist();
        DatasetStoreTest.assertWorkDirEmpty(work());
        try (Stream<Path> scratch = Files.list(work().resolve("dataset-uploads"))) {
            assertThat(scratch.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(killedProcess.id()));
        }
        assertThat(artifacts.open(model).readAllBytes()).isEqualTo("model weights".getBytes());
        assertThat(blobs.exists("runs/r1/artifacts/out.txt")).isTrue();
        assertThat(restarted.resolve("faces")).isEqualTo(faces);
        assertThat(restarted.materialize(faces, dir.resolve("m")).resolve("train/happy/a.png")).hasBinaryContent(TestZips.png(1));
        assertThat(restarted.recover()).isZero();

        assertThat(upload(restarted, "cats", TestZips.faces()).ref()).isEqualTo("cats@1");
        assertThat(upload(restarted, "faces", TestZips.faces()).ref()).isEqualTo("faces@2");

        // Had the "dead" process only been frozen, it cannot publish over the recovery, and removes what it wrote since.
        resume.countDown();
        assertThat(zombie).failsWithin(30, TimeUnit.SECONDS);
        assertThat(restarted.versions("cats")).extracting(DatasetVersion::version).containsExactly(1);
        // The zombie removed what it stored after the recovery, except what cats@1 shares with it.
        assertThat(restarted.collectGarbage()).isZero();
        assertThat(restarted.materialize(restarted.resolve("cats@1"), dir.resolve("c")).resolve("train/sad/c.jpg")).hasBinaryContent(TestZips.png(3));
        assertThat(allBlobFiles()).noneMatch(f -> f.endsWith(BlobKeys.TEMP_SUFFIX));
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void recoveryLeavesTheUploadsOfRunningProcessesAlone(TestDatabases.Kind kind) throws Exception {
        ds = kind.open();
        blobs = new FileBlobStore(dir.resolve("blobs"));
        CountDownLatch frozen = new CountDownLatch(1);
        Wrapped freezing = freezingAt(10, frozen);
        DatasetStore running = new DatasetStore(ds, freezing, LIMITS, work());
        CompletableFuture<DatasetVersion> upload = CompletableFuture.supplyAsync(() -> upload(running, "cats", bigger()));
        assertThat(frozen.await(30, TimeUnit.SECONDS)).isTrue();
        freezing.awaitQuiet();
        List<String> written = allBlobFiles();

        DatasetStore other = new DatasetStore(ds, blobs, LIMITS, work());
        assertThat(other.recover()).isZero();
        assertThat(allBlobFiles()).isEqualTo(written).anyMatch(f -> f.endsWith(BlobKeys.TEMP_SUFFIX));

        resume.countDown();
        assertThat(upload.get(30, TimeUnit.SECONDS).ref()).isEqualTo("cats@1");
        assertThat(blobs.list(ManifestEntry.CAS_PREFIX)).hasSize(24);
        DatasetStoreTest.assertWorkDirEmpty(work());
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void uploadsOfOtherMachinesAreRemovedOnlyWhenLongAbandoned(TestDatabases.Kind kind) throws Exception {
        ds = kind.open();
        blobs = new FileBlobStore(dir.resolve("blobs"));
        DatasetStore store = new DatasetStore(ds, blobs, LIMITS, work());
        UploadJournal journal = new UploadJournal(ds);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String fresh = UUID.randomUUID().toString();
        String old = UUID.randomUUID().toString();
        // Owners whose scratch lock is on another machine: no lock file here.
        journal.begin(new UploadJournal.Upload(fresh, "a", "datasets/a/" + fresh + "/", UUID.randomUUID().toString(), now, false));
        journal.begin(new UploadJournal.Upload(old, "b", "datasets/b/" + old + "/", UUID.randomUUID().toString(),
                now.minus(DatasetStore.FOREIGN_UPLOAD_TIMEOUT).minusSeconds(60), false));
        blobs.put("datasets/a/" + fresh + "/train/x/1.png", new ByteArrayInputStream(TestZips.png(1)));
        blobs.put("datasets/b/" + old + "/train/x/1.png", new ByteArrayInputStream(TestZips.png(1)));

        assertThat(store.recover()).isEqualTo(1);
        assertThat(journal.all()).extracting(UploadJournal.Upload::id).containsExactly(fresh);
        assertThat(blobs.list("datasets/")).containsExactly("datasets/a/" + fresh + "/train/x/1.png");
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void versionsReservedByTheOldSchemeButNeverPublishedAreFreedByTheMigrationAndRecovery(TestDatabases.Kind kind) throws Exception {
        ds = kind.open();
        blobs = new FileBlobStore(dir.resolve("blobs"));
        Flyway.configure().dataSource(ds).locations("classpath:db/migration/store").table("flyway_history_store")
                .baselineOnMigrate(true).baselineVersion("0").target("1").load().migrate();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Jdbc.withConnection(ds, c -> {
            Sql.update(c, "INSERT INTO store_datasets (name, version, content_hash, file_count, size_bytes, created_at, ready) "
                    + "VALUES ('faces', 1, 'h', 1, 10, ?, TRUE), ('faces', 2, 'h', 1, 10, ?, FALSE)", now, now);
            return Sql.update(c, "INSERT INTO store_dataset_labels (name, version, split, label, files) "
                    + "VALUES ('faces', 1, 'train', 'happy', 1), ('faces', 2, 'train', 'happy', 1)");
        });
        blobs.put("datasets/faces/1/train/happy/a.png", new ByteArrayInputStream(TestZips.png(1)));
        blobs.put("datasets/faces/2/train/happy/a.png", new ByteArrayInputStream(TestZips.png(2)));

        DatasetStore store = new DatasetStore(ds, blobs, LIMITS, work());
        assertThat(store.versions("faces")).extracting(DatasetVersion::ref).containsExactly("faces@1");
        assertThat(store.recover()).isEqualTo(1);
        assertThat(blobs.list("datasets/")).containsExactly("datasets/faces/1/train/happy/a.png");
        DatasetVersion v1 = store.resolve("faces@1");
        assertThat(store.materialize(v1, dir.resolve("m")).resolve("train/happy/a.png")).hasBinaryContent(TestZips.png(1));
        assertThat(upload(store, "faces", TestZips.faces()).ref()).isEqualTo("faces@2");
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aFailedUploadRemovesItsFilesAndJournalRowAtOnce(TestDatabases.Kind kind) throws Exception {
        ds = kind.open();
        blobs = new FileBlobStore(dir.resolve("blobs"));
        DatasetStore store = new DatasetStore(ds, new Wrapped(3, (key, content) -> {
            throw new IOException("No space left on device");
        }), LIMITS, work());
        assertThatThrownBy(() -> upload(store, "faces", TestZips.faces())).isInstanceOf(UncheckedIOException.class);
        assertThat(allBlobFiles()).isEmpty();
        assertThat(new UploadJournal(ds).all()).isEmpty();
        DatasetStoreTest.assertWorkDirEmpty(work());
        assertThat(store.recover()).isZero();
        assertThat(upload(store, "faces", TestZips.faces()).ref()).isEqualTo("faces@1");
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aKilledAppendLeavesItsParentAloneAndNoBlobsAfterRecovery(TestDatabases.Kind kind) throws Exception {
        ds = kind.open();
        blobs = new FileBlobStore(dir.resolve("blobs"));
        ScratchSpace killedProcess = ScratchSpace.open(work().resolve("dataset-uploads"));
        CountDownLatch frozen = new CountDownLatch(1);
        // The fifth put freezes: the four of faces@1 went through, the append's first put hangs half-written.
        Wrapped freezing = freezingAt(5, frozen);
        DatasetStore before = new DatasetStore(ds, freezing, LIMITS, killedProcess);
        DatasetVersion faces = upload(before, "faces", TestZips.faces());
        List<String> kept = allBlobFiles();
        CompletableFuture<DatasetVersion> zombie = CompletableFuture.supplyAsync(() -> before.append("faces",
                new ByteArrayInputStream(new TestZips().image("train/calm/1.png", 50).image("train/calm/2.png", 51).bytes()), null));
        assertThat(frozen.await(30, TimeUnit.SECONDS)).isTrue();
        freezing.awaitQuiet();
        killedProcess.close();

        DatasetStore restarted = new DatasetStore(ds, blobs, LIMITS, work());
        assertThat(restarted.recover()).isEqualTo(1);
        assertThat(allBlobFiles()).containsExactlyElementsOf(kept);
        assertThat(restarted.versions("faces")).containsExactly(faces);
        assertThat(restarted.files(faces, "", 0, 10)).hasSize(4);
        DatasetStoreTest.assertWorkDirEmpty(work());

        resume.countDown();
        assertThat(zombie).failsWithin(30, TimeUnit.SECONDS);
        assertThat(restarted.versions("faces")).containsExactly(faces);
        assertThat(allBlobFiles()).containsExactlyElementsOf(kept);
        assertThat(restarted.append("faces", new ByteArrayInputStream(new TestZips().image("train/calm/1.png", 50).bytes()), null).ref())
                .isEqualTo("faces@2");
    }
}
