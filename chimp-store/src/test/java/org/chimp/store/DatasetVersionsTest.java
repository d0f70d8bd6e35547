package org.chimp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.PngBomb;
import org.chimp.db.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Appends, listings, deletion and garbage collection of dataset versions. */
class DatasetVersionsTest {
    private static final UploadLimits LIMITS = new UploadLimits(1 << 20, 4 << 20, 100, 50);

    @TempDir
    Path dir;
    private HikariDataSource ds;
    private FileBlobStore blobs;

    private DatasetStore open(TestDatabases.Kind kind) {
        ds = kind.open();
        blobs = new FileBlobStore(dir.resolve("blobs"));
        return new DatasetStore(ds, blobs, LIMITS, dir.resolve("work"));
    }

    @AfterEach
    void close() {
        if (ds != null) {
            ds.close();
        }
    }

    private static InputStream zip(TestZips z) {
        return new ByteArrayInputStream(z.bytes());
    }

    private static Map<String, String> manifest(DatasetStore store, DatasetVersion v) throws Exception {
        Map<String, String> m = new HashMap<>();
        store.files(v, "", 0, DatasetStore.MAX_LISTING).forEach(f -> m.put(f.path(), f.sha256()));
        return m;
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void anAppendSharesTheUnchangedFilesWithItsParent(TestDatabases.Kind kind) throws Exception {
        DatasetStore store = open(kind);
        DatasetVersion v1 = store.upload("faces", zip(TestZips.faces()));
        DatasetVersion v2 = store.append("faces", zip(new TestZips().image("train/happy/e.png", 7).image("train/sad/c.jpg", 8)), "ana");
        assertThat(v2.ref()).isEqualTo("faces@2");
        assertThat(v2.fileCount()).isEqualTo(5);
        assertThat(v2.splits()).isEqualTo(Map.of("train", Map.of("happy", 3, "sad", 1), "test", Map.of("happy", 1)));
        assertThat(store.info("faces", "2")).isEqualTo(new DatasetStore.VersionInfo(v2, 1, "ana"));
        assertThat(store.info("faces", "1").parent()).isNull();
        // Four images, one new and one replacement: six blobs, nothing copied.
        assertThat(blobs.list("")).hasSize(6);
        assertThat(manifest(store, v1).get("train/sad/c.jpg")).isEqualTo(Sha256.hex(TestZips.png(3)));
        assertThat(manifest(store, v2).get("train/sad/c.jpg")).isEqualTo(Sha256.hex(TestZips.png(8)));
        assertThat(manifest(store, v2).get("train/happy/a.png")).isEqualTo(manifest(store, v1).get("train/happy/a.png"));
        Path m = store.materialize(v2, dir.resolve("m"));
        assertThat(m.resolve("train/sad/c.jpg")).hasBinaryContent(TestZips.png(8));
        assertThat(m.resolve("train/happy/e.png")).hasBinaryContent(TestZips.png(7));
        // The same files as an upload of their own have the same content hash (so share a worker's cache entry).
        DatasetVersion same = store.upload("again", zip(TestZips.faces().image("train/happy/e.png", 7).image("train/sad/c.jpg", 8)));
        assertThat(same.contentHash()).isEqualTo(v2.contentHash());

        DatasetVersion v3 = store.appendImages("faces", "train", "calm", List.of(
                new DatasetStore.NamedImage("x.png", new ByteArrayInputStream(TestZips.png(20))),
                new DatasetStore.NamedImage("y.png", new ByteArrayInputStream(TestZips.png(21)))), null);
        assertThat(v3.splits().get("train")).containsEntry("calm", 2);
        assertThat(v3.fileCount()).isEqualTo(7);
        assertThat(store.file(v3, "train/calm/y.png").sha256()).isEqualTo(Sha256.hex(TestZips.png(21)));
    }

    @Test
    void badAppendsChangeNothing() throws Exception {
        DatasetStore store = open(TestDatabases.Kind.H2);
        DatasetVersion v1 = store.upload("faces", zip(TestZips.faces()));
        List<String> before = blobs.list("");
        List<Callable<?>> bad = List.of(
                () -> store.append("faces", new ByteArrayInputStream("not a zip".getBytes()), null),
                () -> store.append("faces", zip(new TestZips().image("../train/happy/x.png", 1)), null),
                () -> store.append("faces", zip(new TestZips().image("valid/happy/x.png", 1)), null),
                () -> store.append("faces", zip(new TestZips().text("train/happy/x.png", "not an image")), null),
                () -> store.append("../faces", zip(TestZips.faces()), null),
                () -> store.appendImages("faces", "train", "../x", List.of(new DatasetStore.NamedImage("a.png", new ByteArrayInputStream(TestZips.png(1)))), null),
                () -> store.appendImages("faces", "valid", "x", List.of(new DatasetStore.NamedImage("a.png", new ByteArrayInputStream(TestZips.png(1)))), null),
                () -> store.appendImages("faces", "train", "x", List.of(new DatasetStore.NamedImage("../a.png", new ByteArrayInputStream(TestZips.png(1)))), null),
                () -> store.appendImages("faces", "train", "x", List.of(new DatasetStore.NamedImage("a.png", new ByteArrayInputStream(TestZips.png(1))),
                        new DatasetStore.NamedImage("a.png", new ByteArrayInputStream(TestZips.png(2)))), null),
                () -> store.appendImages("faces", "train", "x", List.of(new DatasetStore.NamedImage("bomb.png",
                        new ByteArrayInputStream(PngBomb.gray(20000, 20000)))), null),
                () -> store.appendImages("faces", "train", "x", List.of(), null));
        for (Callable<?> call : bad) {
            assertThatThrownBy(call::call).isInstanceOfSatisfying(ClientErrorException.class,
                    e -> assertThat(e.status()).isIn(400, 413));
        }
        assertThat(store.versions("faces")).containsExactly(v1);
        assertThat(blobs.list("")).isEqualTo(before);
        DatasetStoreTest.assertWorkDirEmpty(dir.resolve("work"));
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void concurrentAppendsMakeOneVersionEachNeverAMixedOne(TestDatabases.Kind kind) throws Exception {
        DatasetStore store = open(kind);
        store.upload("faces", zip(TestZips.faces()));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Callable<DatasetVersion>> appends = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int seed = 30 + i;
            appends.add(() -> store.append("faces", zip(new TestZips().image("train/new/" + seed + ".png", seed)), null));
        }
        try {
            for (Future<DatasetVersion> f : pool.invokeAll(appends)) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        List<DatasetVersion> versions = store.versions("faces");
        assertThat(versions).extracting(DatasetVersion::version).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
        for (DatasetVersion v : versions.subList(1, versions.size())) {
            DatasetStore.VersionInfo info = store.info("faces", Integer.toString(v.version()));
            assertThat(info.parent()).isEqualTo(v.version() - 1);
            Map<String, String> parent = manifest(store, store.resolve("faces@" + info.parent()));
            Map<String, String> own = manifest(store, v);
            // Exactly the parent plus one file of its own.
            assertThat(own).containsAllEntriesOf(parent).hasSize(parent.size() + 1);
        }
        assertThat(versions.get(8).fileCount()).isEqualTo(12);
    }

    @Test
    void listingsPageAndRefuseHostileArguments() throws Exception {
        DatasetStore store = open(TestDatabases.Kind.H2);
        DatasetVersion v = store.upload("faces", zip(TestZips.faces().image("train/x_y/1.png", 9).image("train/xzy/2.png", 10)));
        assertThat(store.files(v, "train/happy/", 0, 10)).extracting(ManifestEntry::path).containsExactly("train/happy/a.png", "train/happy/b.PNG");
        assertThat(store.files(v, "", 1, 2)).hasSize(2);
        assertThat(store.files(v, "", 999_999_999_999L, 10)).isEmpty();
        // LIKE's wildcards in a prefix are plain characters.
        assertThat(store.files(v, "train/x_", 0, 10)).extracting(ManifestEntry::path).containsExactly("train/x_y/1.png");
        assertThat(store.files(v, "train/%", 0, 10)).isEmpty();
        assertThat(store.files(v, "../", 0, 10)).isEmpty();
        for (Callable<?> call : List.<Callable<?>>of(() -> store.files(v, "", -1, 10), () -> store.files(v, "", 0, 0),
                () -> store.files(v, "", 0, DatasetStore.MAX_LISTING + 1), () -> store.files(v, "a\u0000", 0, 10),
                () -> store.files(v, "x".repeat(5000), 0, 10))) {
            assertThatThrownBy(call::call).isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(400));
        }
        for (String path : new String[] {"../train/happy/a.png", "train/happy/../happy/a.png", "/etc/passwd", "train//a.png", "a\\b"}) {
            assertThatThrownBy(() -> store.file(v, path)).isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(400));
        }
        for (String path : new String[] {"train/happy", "TRAIN/happy/a.png", "train/happy/a.png.txt"}) {
            assertThatThrownBy(() -> store.file(v, path)).isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(404));
        }
        for (String version : new String[] {"0", "-1", "x", "1.0", "99999999999", "", "1 "}) {
            assertThatThrownBy(() -> store.resolve("faces", version)).isInstanceOfSatisfying(ClientErrorException.class,
                    e -> assertThat(e.status()).isEqualTo(400));
        }
        assertThatThrownBy(() -> store.resolve("faces", "7")).isInstanceOfSatisfying(ClientErrorException.class,
                e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void aVersionDownloadsAsAZipInTheDatasetLayout() throws Exception {
        DatasetStore store = open(TestDatabases.Kind.H2);
        DatasetVersion v = store.upload("faces", zip(TestZips.faces()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.writeZip(v, out);
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        assertThat(entries).containsOnlyKeys("test/happy/d.jpeg", "train/happy/a.png", "train/happy/b.PNG", "train/sad/c.jpg");
        assertThat(entries.get("train/sad/c.jpg")).isEqualTo(TestZips.png(3));
        // The download uploads back as the same content.
        assertThat(store.upload("copy", new ByteArrayInputStream(out.toByteArray())).contentHash()).isEqualTo(v.contentHash());
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void deletingAVersionInUseNeedsForceAndItsUnsharedBlobsAreCollected(TestDatabases.Kind kind) throws Exception {
        DatasetStore store = open(kind);
        ArtifactStore artifacts = new ArtifactStore(blobs, dir.resolve("cache"));
        String weights = artifacts.put("weights".getBytes());
        DatasetVersion v1 = store.upload("faces", zip(TestZips.faces()));
        DatasetVersion v2 = store.append("faces", zip(new TestZips().image("train/happy/e.png", 7)), null);
        store.setUsage(v -> v.equals(v1) ? List.of("model cnn version 3") : List.of());
        assertThatThrownBy(() -> store.delete("faces", "1", false)).isInstanceOfSatisfying(ClientErrorException.class,
                e -> assertThat(e.status()).isEqualTo(409)).hasMessageContaining("model cnn version 3").hasMessageContaining("force=true");
        assertThat(store.versions("faces")).containsExactly(v1, v2);

        // v2 shares all of v1's files: forcing the delete removes no blob.
        assertThat(store.delete("faces", "1", true)).isZero();
        assertThat(store.versions("faces")).containsExactly(v2);
        assertThatThrownBy(() -> store.resolve("faces@1")).isInstanceOfSatisfying(ClientErrorException.class,
                e -> assertThat(e.status()).isEqualTo(404));
        assertThat(store.materialize(v2, dir.resolve("m")).resolve("train/happy/a.png")).hasBinaryContent(TestZips.png(1));

        // The last version's files go with it; artifacts stay; the number is never given again.
        assertThat(store.delete("faces", "2", false)).isEqualTo(5);
        assertThat(blobs.list(ManifestEntry.CAS_PREFIX)).isEmpty();
        assertThat(artifacts.exists(weights)).isTrue();
        assertThat(store.append("faces", zip(TestZips.faces()), null).ref()).isEqualTo("faces@3");
        assertThat(store.info("faces", "3").parent()).isNull();
        assertThat(store.collectGarbage()).isZero();
        assertThat(blobs.list(ManifestEntry.CAS_PREFIX)).hasSize(4);
    }
}
