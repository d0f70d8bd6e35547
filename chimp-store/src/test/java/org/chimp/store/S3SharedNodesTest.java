package org.chimp.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.chimp.db.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes with separate data directories that share only the database and an S3 bucket: a dataset uploaded and a
 * model artifact stored on one are materialized and resolved on the other, through S3, and cached there.
 */
class S3SharedNodesTest {
    @TempDir
    Path dir;

    @Test
    void aServerAndAWorkerShareDatasetsAndArtifactsThroughS3Alone() throws Exception {
        try (S3TestServer s3 = S3TestServer.start(dir.resolve("s3")); HikariDataSource ds = TestDatabases.h2();
             S3BlobStore serverBlobs = s3.store("chimp", "deploy/"); S3BlobStore workerBlobs = s3.store("chimp", "deploy/")) {
            Path server = dir.resolve("server");
            Path worker = dir.resolve("worker");
            DatasetStore serverDatasets = new DatasetStore(ds, serverBlobs, UploadLimits.defaults(), server.resolve("tmp"),
                    new DatasetCache(server.resolve("cache/datasets"), 1 << 30));
            ArtifactStore serverArtifacts = new ArtifactStore(serverBlobs, server.resolve("cache/artifacts"));
            DatasetStore workerDatasets = new DatasetStore(ds, workerBlobs, UploadLimits.defaults(), worker.resolve("tmp"),
                    new DatasetCache(worker.resolve("cache/datasets"), 1 << 30));
            ArtifactStore workerArtifacts = new ArtifactStore(workerBlobs, worker.resolve("cache/artifacts"));

            DatasetVersion v1 = serverDatasets.upload("faces", new ByteArrayInputStream(TestZips.faces().bytes()));
            DatasetVersion v2 = serverDatasets.append("faces", new ByteArrayInputStream(new TestZips().image("train/calm/1.png", 40).bytes()), null);
            Path run = workerDatasets.materialize(workerDatasets.resolve("faces"), worker.resolve("run1"));
            assertThat(run.resolve("train/calm/1.png")).hasBinaryContent(TestZips.png(40));
            assertThat(run.resolve("train/happy/a.png")).hasBinaryContent(TestZips.png(1));
            assertThat(worker.resolve("cache/datasets").resolve(v2.contentHash() + ".complete")).exists();
            assertThat(v1.contentHash()).isNotEqualTo(v2.contentHash());

            byte[] weights = BlobStoreContract.random(7 << 20, 3);
            Path file = Files.write(worker.resolve("weights.onnx"), weights);
            String ref = workerArtifacts.put(file);
            assertThat(Files.readAllBytes(serverArtifacts.resolve(ref))).isEqualTo(weights);
            // Nothing but S3 and the database connects them.
            assertThat(server.resolve("cache/artifacts").resolve(ref.substring(7))).exists();
            assertThat(Files.exists(worker.resolve("cache/artifacts"))).isTrue();
        }
    }
}
