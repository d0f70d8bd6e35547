package org.chimp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.chimp.db.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetCacheTest {
    @TempDir
    Path dir;
    private HikariDataSource ds;

    @AfterEach
    void close() {
        if (ds != null) {
            ds.close();
        }
    }

    /** A store that counts the objects read from it, as a worker far from the store would pay for them. */
    private static final class CountingStore implements BlobStore {
        final BlobStore inner;
        final AtomicInteger gets = new AtomicInteger();
        volatile boolean failReads;

        CountingStore(BlobStore inner) {
            this.inner = inner;
        }

        @Override
        public void put(String key, InputStream content) throws IOException {
            inner.put(key, content);
        }

        @Override
        public void put(String key, InputStream content, String sha256) throws IOException {
            inner.put(key, content, sha256);
        }

        @Override
        public InputStream get(String key) throws IOException {
            if (failReads) {
                throw new IOException("connection reset");
            }
            gets.incrementAndGet();
            return inner.get(key);
        }

        @Override
        public boolean exists(String key) throws IOException {
            return inner.exists(key);
        }

        @Override
        public List<String> list(String prefix) throws IOException {
            return inner.list(prefix);
        }

        @Override
        public void delete(String key) throws IOException {
            inner.delete(key);
        }
    }

    private DatasetStore store(CountingStore blobs, DatasetCache cache) {
        if (ds == null) {
            ds = TestDatabases.h2();
        }
        return new DatasetStore(ds, blobs, UploadLimits.defaults(), dir.resolve("work"), cache);
    }

    private static List<String> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void aVersionIsFetchedOnceAndLaterRunsLinkTheCachedCopy() throws Exception {
        CountingStore blobs = new CountingStore(new FileBlobStore(dir.resolve("blobs")));
        DatasetStore store = store(blobs, new DatasetCache(dir.resolve("cache"), 1 << 30));
        DatasetVersion v = store.upload("faces", new ByteArrayInputStream(TestZips.faces().bytes()));
        Path run1 = store.materialize(v, dir.resolve("run1"));
        assertThat(blobs.gets.get()).isEqualTo(4);
        Path run2 = store.materialize(v, dir.resolve("run2"));
        assertThat(blobs.gets.get()).as("second run read nothing from the store").isEqualTo(4);
        assertThat(files(run2)).isEqualTo(files(run1)).hasSize(4).contains("train/happy/a.png");
        assertThat(Files.readAllBytes(run2.resolve("train/sad/c.jpg"))).isEqualTo(TestZips.png(3));

        // The same files under another name share the cached copy.
        DatasetVersion copy = store.upload("faces-copy", new ByteArrayInputStream(TestZips.faces().bytes()));
        store.materialize(copy, dir.resolve("run3"));
        assertThat(blobs.gets.get()).isEqualTo(4);

        // A new process (a restarted worker) finds the cache as it was.
        DatasetStore restarted = store(blobs, new DatasetCache(dir.resolve("cache"), 1 << 30));
        restarted.materialize(v, dir.resolve("run4"));
        assertThat(blobs.gets.get()).isEqualTo(4);
    }

    @Test
    void leastRecentlyUsedCopiesAreEvictedAndRunsKeepTheirFiles() throws Exception {
        CountingStore blobs = new CountingStore(new FileBlobStore(dir.resolve("blobs")));
        DatasetVersion probe = store(blobs, null).upload("a", new ByteArrayInputStream(TestZips.faces().bytes()));
        // Room for one version: the older one goes when a second is cached.
        DatasetCache cache = new DatasetCache(dir.resolve("cache"), probe.sizeBytes());
        DatasetStore store = store(blobs, cache);
        DatasetVersion b = store.upload("b", new ByteArrayInputStream(new TestZips().image("train/x/1.png", 10).image("train/y/2.png", 11).bytes()));
        Path runA = store.materialize(probe, dir.resolve("runA"));
        store.materialize(b, dir.resolve("runB"));
        assertThat(cache.entries()).containsExactly(b.contentHash());
        assertThat(files(runA)).as("a run's linked files outlive the evicted copy").hasSize(4);
        assertThat(Files.readAllBytes(runA.resolve("train/happy/a.png"))).isEqualTo(TestZips.png(1));
        int before = blobs.gets.get();
        store.materialize(probe, dir.resolve("runA2"));
        assertThat(blobs.gets.get()).as("an evicted version is fetched again").isEqualTo(before + 4);
        assertThat(cache.entries()).containsExactly(probe.contentHash());
    }

    @Test
    void aFillCutShortIsNeverUsedAndIsRemovedAtTheNextStart() throws Exception {
        CountingStore blobs = new CountingStore(new FileBlobStore(dir.resolve("blobs")));
        DatasetCache cache = new DatasetCache(dir.resolve("cache"), 1 << 30);
        DatasetStore store = store(blobs, cache);
        DatasetVersion v = store.upload("faces", new ByteArrayInputStream(TestZips.faces().bytes()));
        blobs.failReads = true;
        assertThatThrownBy(() -> store.materialize(v, dir.resolve("run1"))).hasRootCauseMessage("connection reset");
        assertThat(cache.entries()).isEmpty();
        try (Stream<Path> left = Files.list(dir.resolve("cache"))) {
            assertThat(left).isEmpty();
        }
        // What a kill -9 mid-fill leaves: a temporary directory and a copy without its marker.
        Files.createDirectories(dir.resolve("cache").resolve(v.contentHash() + ".1234.part/train/happy"));
        Files.createDirectories(dir.resolve("cache").resolve(v.contentHash()).resolve("train/happy"));
        Files.writeString(dir.resolve("cache").resolve(v.contentHash()).resolve("train/happy/a.png"), "half");
        blobs.failReads = false;
        DatasetStore restarted = store(blobs, new DatasetCache(dir.resolve("cache"), 1 << 30));
        try (Stream<Path> left = Files.list(dir.resolve("cache"))) {
            assertThat(left).isEmpty();
        }
        Path run = restarted.materialize(v, dir.resolve("run2"));
        assertThat(Files.readAllBytes(run.resolve("train/happy/a.png"))).isEqualTo(TestZips.png(1));
    }
}
