package org.chimp.tracking;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;
import org.chimp.store.ArtifactStore;
import org.chimp.store.BlobStore;

/**
 * Run artifacts, content-addressed: the bytes go once into the {@link ArtifactStore} (the {@code sha256:} blobs
 * model weights live in too) and {@code tracking_run_artifacts} maps (run, path) to their hash and size, so two runs
 * logging the same file store it once, and reads are checked against the hash.
 * <p>
 * Artifacts logged before that table existed stay where they were, under
 * {@code artifacts/<experiment>/<run>/artifacts/<path>} (MLflow's proxied layout): a path without a mapping is read
 * from its old key. Deleting removes mappings only: a blob may be shared by other runs and by model versions, so
 * blobs nothing refers to any more are left for a garbage collector.
 */
final class RunArtifacts {
    private final DataSource ds;
    private final BlobStore blobs;
    private final ArtifactStore store;

    RunArtifacts(DataSource ds, BlobStore blobs, ArtifactStore store) {
        this.ds = ds;
        this.blobs = blobs;
        this.store = store;
    }

    static String artifactUri(String experimentId, String runId) {
        return "mlflow-artifacts:/" + experimentId + "/" + runId + "/artifacts";
    }

    private record Stored(String sha256, long size) {
        String ref() {
            return "sha256:" + sha256;
        }
    }

    void put(RunInfo run, String path, Path file) {
        if (!Files.isRegularFile(file)) {
            throw ClientErrorException.invalid("Cannot log artifact '" + path + "': " + file + " is not a readable file");
        }
        try {
            String ref = store.put(file);
            map(run, path, ref, Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Storing artifact " + path + " of run " + run.runId() + " failed", e);
        }
    }

    void put(RunInfo run, String path, byte[] content) {
        map(run, path, store.put(content), content.length);
    }

    /** Stores a stream (an upload): spooled to a temporary file first, as its hash names the blob. */
    void put(RunInfo run, String path, InputStream content) throws IOException {
        Path temp = Files.createTempFile("chimp-artifact", ".part");
        try {
            Files.copy(content, temp, StandardCopyOption.REPLACE_EXISTING);
            put(run, path, temp);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private void map(RunInfo run, String path, String ref, long size) {
        Jdbc.inTransaction(ds, c -> {
            // The run's row lock serializes its mapping writes: two uploads to one path at once would otherwise both
            // delete, then both insert (a duplicate key). The later one wins, as it would in a file system.
            Sql.first(c, "SELECT run_id FROM tracking_runs WHERE run_id = ? FOR UPDATE", rs -> rs.getString(1), run.runId());
            Sql.update(c, "DELETE FROM tracking_run_artifacts WHERE run_id = ? AND path = ?", run.runId(), path);
            Sql.update(c, "INSERT INTO tracking_run_artifacts (run_id, path, sha256, size_bytes) VALUES (?, ?, ?, ?)",
                    run.runId(), path, ref.substring("sha256:".length()), size);
            return null;
        });
    }

    private Optional<Stored> stored(RunInfo run, String path) {
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT sha256, size_bytes FROM tracking_run_artifacts WHERE run_id = ? AND path = ?",
                rs -> new Stored(rs.getString(1).trim(), rs.getLong(2)), run.runId(), path));
    }

    /** The artifact's bytes; reading to the end checks them against their hash (an IOException if they do not match). */
    InputStream open(RunInfo run, String path) {
        Optional<Stored> s = stored(run, path);
        if (s.isPresent()) {
            return store.stream(s.get().ref());
        }
        try {
            return blobs.get(legacyKey(run, path));
        } catch (NoSuchFileException e) {
            throw ClientErrorException.notFound("Run " + run.runId() + " has no artifact '" + path + "'");
        } catch (IOException e) {
            throw new UncheckedIOException("Reading artifact " + path + " of run " + run.runId() + " failed", e);
        }
    }

    /** Paths of all the run's artifacts, relative to its artifact root, sorted. */
    List<String> list(RunInfo run) {
        List<String> mapped = Jdbc.withConnection(ds, c -> Sql.list(c,
                "SELECT path FROM tracking_run_artifacts WHERE run_id = ?", rs -> rs.getString(1), run.runId()));
        TreeSet<String> paths = new TreeSet<>(mapped);
        String prefix = legacyRoot(run);
        try {
            blobs.list(prefix).forEach(k -> paths.add(k.substring(prefix.length())));
        } catch (IOException e) {
            throw new UncheckedIOException("Listing artifacts of run " + run.runId() + " failed", e);
        }
        return new ArrayList<>(paths);
    }

    /** The size of an artifact: recorded with its mapping, read through for one stored before mappings existed. */
    long size(RunInfo run, String path) {
        Optional<Stored> s = stored(run, path);
        if (s.isPresent()) {
            return s.get().size();
        }
        try (InputStream in = open(run, path)) {
            return in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("Reading artifact " + path + " of run " + run.runId() + " failed", e);
        }
    }

    /**
     * Deletes the artifact at {@code path} and everything below it as a directory (all of the run's for an empty
     * path), as MLflow does; deleting nothing is not an error. The blobs stay (see the class comment).
     */
    void delete(RunInfo run, String path) {
        String dir = path.isEmpty() ? "" : path + "/";
        Jdbc.inTransaction(ds, c -> {
            // Matched here rather than with LIKE: paths may hold '%' and '_'.
            for (String p : Sql.list(c, "SELECT path FROM tracking_run_artifacts WHERE run_id = ?", rs -> rs.getString(1), run.runId())) {
                if (p.equals(path) || p.startsWith(dir)) {
                    Sql.update(c, "DELETE FROM tracking_run_artifacts WHERE run_id = ? AND path = ?", run.runId(), p);
                }
            }
            return null;
        });
        try {
            for (String key : blobs.list(legacyRoot(run) + dir)) {
                blobs.delete(key);
            }
            if (!path.isEmpty()) {
                blobs.delete(legacyKey(run, path));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Deleting artifact " + path + " of run " + run.runId() + " failed", e);
        }
    }

    private static String legacyKey(RunInfo run, String path) {
        return legacyRoot(run) + Checks.artifactPath(path);
    }

    private static String legacyRoot(RunInfo run) {
        return "artifacts/" + run.experimentId() + "/" + run.runId() + "/artifacts/";
    }
}
