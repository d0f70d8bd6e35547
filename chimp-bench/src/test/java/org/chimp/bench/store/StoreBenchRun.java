package org.chimp.bench.store;

import java.nio.file.Path;
import java.util.List;
import org.chimp.db.TestDatabases;
import org.chimp.store.FileBlobStore;
import org.chimp.store.S3BlobStore;
import org.chimp.store.S3Options;
import org.chimp.store.S3TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store benchmark with s3proxy on loopback, for docs/benchmarks.md. Not a test (its name keeps Surefire from
 * running it by default): run it with {@code -Dtest=StoreBenchRun} ({@code -Dchimp.bench.mb=200}).
 */
class StoreBenchRun {
    @TempDir
    Path dir;

    @Test
    void measure() throws Exception {
        long mb = Long.getLong("chimp.bench.mb", 200);
        try (S3TestServer s3 = S3TestServer.start(dir.resolve("s3"))) {
            S3BlobStore store = s3.store("bench", "chimp/");
            store.close();
            S3Options o = new S3Options(s3.endpoint(), "us-east-1", true, S3Options.DEFAULT_PART_SIZE, 3);
            try (S3BlobStore s3Blobs = new S3BlobStore(S3BlobStore.client(o, s3.credentials()), "bench", "chimp/", S3Options.DEFAULT_PART_SIZE);
                 var raw = S3BlobStore.client(o, s3.credentials())) {
                new StoreBench(dir.resolve("scratch"), mb << 20, System.out).run(List.of(
                        new StoreBench.Target("filesystem", new FileBlobStore(dir.resolve("fs")), null, null, null),
                        new StoreBench.Target("s3 (s3proxy loopback)", s3Blobs, raw, "bench", "raw/")), TestDatabases::h2);
            }
        }
    }
}
