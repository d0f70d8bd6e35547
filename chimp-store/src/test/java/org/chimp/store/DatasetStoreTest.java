package org.chimp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DatasetStoreTest {
    private static final UploadLimits LIMITS = new UploadLimits(1 << 20, 4 << 20, 100, 50);

    @TempDir
    Path dir;
    private HikariDataSource ds;
    private FileBlobStore blobs;

    private DatasetStore open(TestDatabases.Kind kind, UploadLimits limits) {
        ds = kind.open();
        blobs = new FileBlobStore(dir.resolve("blobs"));
        return new DatasetStore(ds, blobs, limits, dir.resolve("work"));
    }

    @AfterEach
    void close() {
        if (ds != null) {
            ds.close();
        }
    }

    private static DatasetVersion upload(DatasetStore store, String name, TestZips zip) {
        return upload(store, name, zip.bytes());
    }

    private static DatasetVersion upload(DatasetStore store, String name, byte[] zip) {
        return store.upload(name, new ByteArrayInputStream(zip));
    }

    /** Asserts the call fails with the status and message, and that nothing was stored or left behind. */
    private void assertRejected(DatasetStore store, ThrowingCallable call, int status, String... message) throws IOException {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(status))
                .hasMessageContainingAll(message);
        assertThat(blobs.list("")).isEmpty();
        assertThat(store.list()).isEmpty();
        assertWorkDirEmpty();
    }

    private void assertWorkDirEmpty() throws IOException {
        if (Files.exists(dir.resolve("work"))) {
            try (Stream<Path> left = Files.list(dir.resolve("work"))) {
                assertThat(left).isEmpty();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void goodZipIsStoredAsVersionOne(TestDatabases.Kind kind) throws IOException {
        DatasetStore store = open(kind, LIMITS);
        DatasetVersion v = upload(store, "faces", TestZips.faces().text("__MACOSX/train/happy/._a.png", "fork")
                .text("train/.DS_Store", "x").entry("train/", null));
        assertThat(v.ref()).isEqualTo("faces@1");
        assertThat(v.fileCount()).isEqualTo(4);
        assertThat(v.splits()).isEqualTo(Map.of("train", Map.of("happy", 2, "sad", 1), "test", Map.of("happy", 1)));
        assertThat(v.sizeBytes()).isEqualTo(TestZips.png(1).length + TestZips.png(2).length + TestZips.png(3).length + TestZips.png(4).length);
        assertThat(blobs.list("")).containsExactly("datasets/faces/1/test/happy/d.jpeg", "datasets/faces/1/train/happy/a.png",
                "datasets/faces/1/train/happy/b.PNG", "datasets/faces/1/train/sad/c.jpg");
        assertThat(store.list()).containsExactly(v);
        assertThat(store.resolve("faces")).isEqualTo(v);
        assertWorkDirEmpty();

        Path target = store.materialize(v, dir.resolve("materialized"));
        assertThat(target.resolve("train/happy/a.png")).hasBinaryContent(TestZips.png(1));
        assertThat(target.resolve("test/happy/d.jpeg")).hasBinaryContent(TestZips.png(4));
        try (Stream<Path> files = Files.walk(target)) {
            assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(4);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aZippedFolderIsUnwrappedAndHashesLikeTheBareLayout(TestDatabases.Kind kind) {
        DatasetStore store = open(kind, LIMITS);
        DatasetVersion bare = upload(store, "bare", TestZips.faces());
        DatasetVersion wrapped = upload(store, "wrapped", TestZips.faces().wrapped("my-faces"));
        assertThat(wrapped.contentHash()).isEqualTo(bare.contentHash()).matches("[0-9a-f]{64}");
        assertThat(wrapped.splits()).isEqualTo(bare.splits());
        assertThat(store.list()).extracting(DatasetVersion::name).containsExactly("bare", "wrapped");
        DatasetVersion different = upload(store, "different", TestZips.faces().image("train/sad/e.png", 9));
        assertThat(different.contentHash()).isNotEqualTo(bare.contentHash());
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void newUploadsMakeNewVersions(TestDatabases.Kind kind) {
        DatasetStore store = open(kind, LIMITS);
        DatasetVersion v1 = upload(store, "faces", TestZips.faces());
        DatasetVersion v2 = upload(store, "faces", new TestZips().image("train/angry/x.png", 7));
        upload(store, "other", TestZips.faces());
        assertThat(v2.version()).isEqualTo(2);
        assertThat(store.resolve("faces")).isEqualTo(v2);
        assertThat(store.resolve("faces@1")).isEqualTo(v1);
        assertThat(store.versions("faces")).containsExactly(v1, v2);
        assertThat(store.list()).extracting(DatasetVersion::ref).containsExactly("faces@2", "other@1");
        // Version 1 is untouched by version 2.
        assertThat(store.materialize(v1, dir.resolve("v1")).resolve("train/happy/a.png")).exists();
        assertThat(dir.resolve("v1/train/angry")).doesNotExist();
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void unknownNamesAndVersionsAre404sThatSayWhatExists(TestDatabases.Kind kind) {
        DatasetStore store = open(kind, LIMITS);
        assertThatThrownBy(() -> store.resolve("faces")).hasMessageContaining("no datasets yet");
        upload(store, "faces", TestZips.faces());
        upload(store, "cats", TestZips.faces());
        assertThatThrownBy(() -> store.resolve("dogs"))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageContainingAll("dogs", "cats, faces");
        assertThatThrownBy(() -> store.resolve("faces@7"))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageContaining("versions are 1");
        assertThatThrownBy(() -> store.versions("dogs")).isInstanceOf(ClientErrorException.class);
        for (String bad : new String[] {"faces@x", "../faces", "", "faces@"}) {
            assertThatThrownBy(() -> store.resolve(bad))
                    .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(400));
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void concurrentUploadsOfOneNameGetDistinctVersions(TestDatabases.Kind kind) throws Exception {
        DatasetStore store = open(kind, LIMITS);
        byte[] zip = TestZips.faces().bytes();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<DatasetVersion>> futures = pool.invokeAll(
                    java.util.Collections.nCopies(6, () -> upload(store, "faces", zip)));
            List<Integer> versions = new java.util.ArrayList<>();
            for (Future<DatasetVersion> f : futures) {
                versions.add(f.get().version());
            }
            assertThat(versions).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
        } finally {
            pool.shutdown();
        }
        assertThat(store.versions("faces")).hasSize(6);
        assertThat(blobs.list("datasets/faces/")).hasSize(24);
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void badNamesAndNonZipsAreRefused(TestDatabases.Kind kind) throws IOException {
        DatasetStore store = open(kind, LIMITS);
        byte[] zip = TestZips.faces().bytes();
        for (String bad : new String[] {"", "-x", "a/b", "a b", "x".repeat(65), "..", "é"}) {
            assertRejected(store, () -> upload(store, bad, zip), 400, "Dataset names");
        }
        assertRejected(store, () -> upload(store, "faces", "just text".getBytes(StandardCharsets.UTF_8)), 400, "not a zip file");
        assertRejected(store, () -> upload(store, "faces", TestZips.png(1)), 400, "not a zip file");
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void unsafePathsAreRefusedNamingTheEntry(TestDatabases.Kind kind) throws IOException {
        DatasetStore store = open(kind, LIMITS);
        for (String entry : new String[] {"../evil.png", "train/../../evil.png", "/etc/train/a/x.png", "C:/train/a/x.png",
                "train\\happy\\x.png", "train//x.png", "train/./happy/x.png", "__MACOSX/../../evil.png"}) {
            assertRejected(store, () -> upload(store, "faces", TestZips.faces().image(entry, 5)), 400, entry, "outside");
        }
        assertThat(dir.resolve("evil.png")).doesNotExist();
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void duplicateEntriesAreRefused(TestDatabases.Kind kind) throws IOException {
        DatasetStore store = open(kind, LIMITS);
        assertRejected(store, () -> upload(store, "faces", TestZips.faces().image("TRAIN/happy/A.png", 5)),
                400, "TRAIN/happy/A.png", "more than once");
        // ZipOutputStream refuses exact duplicates, so rename the second entry to the first's name in place.
        byte[] zip = new TestZips().image("train/happy/a.png", 1).image("train/happy/b.png", 2).bytes();
        byte[] dup = new String(zip, StandardCharsets.ISO_8859_1).replace("train/happy/b.png", "train/happy/a.png")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertRejected(store, () -> upload(store, "faces", dup), 400, "train/happy/a.png", "more than once");
        assertRejected(store, () -> upload(store, "faces", TestZips.faces().image("train/Happy/x.png", 5)),
                400, "train/Happy", "differ only in case");
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void wrongLayoutsAndEmptyZipsAreRefused(TestDatabases.Kind kind) throws IOException {
        DatasetStore store = open(kind, LIMITS);
        for (String entry : new String[] {"train/happy/notes.txt", "valid/happy/a.png", "train/a.png", "train/happy/deep/a.png", "readme.png"}) {
            assertRejected(store, () -> upload(store, "faces", TestZips.faces().image(entry, 5)), 400, entry, "train/<label>/<image>");
        }
        assertRejected(store, () -> upload(store, "faces", TestZips.faces().wrapped("f").text("f/README.md", "hi")),
                400, "f/README.md", "layout");
        assertRejected(store, () -> upload(store, "faces", TestZips.faces().image("train/x" + BlobKeys.TEMP_SUFFIX + "/a.png", 1)),
                400, "reserved");
        assertRejected(store, () -> upload(store, "faces", new TestZips().image("test/happy/a.png", 1)), 400, "empty");
        assertRejected(store, () -> upload(store, "faces", new TestZips().entry("train/", null).text("__MACOSX/x", "")), 400, "empty");
        assertRejected(store, () -> upload(store, "faces", new TestZips()), 400, "empty");
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void sizeLimitsStopZipBombs(TestDatabases.Kind kind) throws IOException {
        DatasetStore store = open(kind, LIMITS);
        // 2 MiB of zeros deflates to about 2 KiB: a ratio near 1000, limit 50.
        byte[] zeros = new byte[2 << 20];
        assertRejected(store, () -> upload(store, "faces", TestZips.faces().entry("train/happy/bomb.png", zeros)),
                413, "train/happy/bomb.png", "50 times");
        // Random bytes do not compress (ratio 1), but 5 MiB in total exceeds the 4 MiB unpacked limit.
        java.util.Random random = new java.util.Random(1);
        TestZips big = TestZips.faces();
        for (int i = 0; i < 5; i++) {
            byte[] noise = new byte[1 << 20];
            random.nextBytes(noise);
            big.entry("train/noise/" + i + ".png", noise);
        }
        DatasetStore roomy = new DatasetStore(ds, blobs, new UploadLimits(64 << 20, 4 << 20, 100, 50), dir.resolve("work"));
        assertRejected(roomy, () -> upload(roomy, "faces", big), 413, "unpacks to more than");
        // The zip itself is over 1 MiB.
        assertRejected(store, () -> upload(store, "faces", big), 413, "upload is larger");
        TestZips many = TestZips.faces();
        for (int i = 0; i < 100; i++) {
            many.image("train/many/" + i + ".png", i);
        }
        assertRejected(store, () -> upload(store, "faces", many), 400, "104 entries", "at most 100");
    }
}
