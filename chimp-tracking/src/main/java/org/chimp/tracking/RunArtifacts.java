package org.chimp.tracking;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.chimp.api.error.ClientErrorException;
import org.chimp.store.BlobStore;

/**
 * Run artifacts in the blob store, laid out as MLflow's proxied artifact store lays them out, so that
 * {@code mlflow-artifacts:/<experiment>/<run>/artifacts/<path>} maps to key {@code artifacts/<experiment>/<run>/artifacts/<path>}.
 */
final class RunArtifacts {
    private final BlobStore blobs;

    RunArtifacts(BlobStore blobs) {
        this.blobs = blobs;
    }

    static String artifactUri(String experimentId, String runId) {
        return "mlflow-artifacts:/" + experimentId + "/" + runId + "/artifacts";
    }

    void put(RunInfo run, String path, Path file) {
        if (!Files.isRegularFile(file)) {
            throw ClientErrorException.invalid("Cannot log artifact '" + path + "': " + file + " is not a readable file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            blobs.put(key(run, path), in);
        } catch (IOException e) {
            throw new UncheckedIOException("Storing artifact " + path + " of run " + run.runId() + " failed", e);
        }
    }

    void put(RunInfo run, String path, byte[] content) {
        try {
            blobs.put(key(run, path), new ByteArrayInputStream(content));
        } catch (IOException e) {
            throw new UncheckedIOException("Storing artifact " + path + " of run " + run.runId() + " failed", e);
        }
    }

    InputStream open(RunInfo run, String path) {
        try {
            return blobs.get(key(run, path));
        } catch (NoSuchFileException e) {
            throw ClientErrorException.notFound("Run " + run.runId() + " has no artifact '" + path + "'");
        } catch (IOException e) {
            throw new UncheckedIOException("Reading artifact " + path + " of run " + run.runId() + " failed", e);
        }
    }

    /** Paths of all the run's artifacts, relative to its artifact root, sorted. */
    List<String> list(RunInfo run) {
        String prefix = root(run);
        try {
            return blobs.list(prefix).stream().map(k -> k.substring(prefix.length())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Listing artifacts of run " + run.runId() + " failed", e);
        }
    }

    /** The size of an artifact, read through (the blob store keeps no sizes). */
    long size(RunInfo run, String path) {
        try (InputStream in = open(run, path)) {
            return in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("Reading artifact " + path + " of run " + run.runId() + " failed", e);
        }
    }

    private static String key(RunInfo run, String path) {
        return root(run) + Checks.artifactPath(path);
    }

    private static String root(RunInfo run) {
        return "artifacts/" + run.experimentId() + "/" + run.runId() + "/artifacts/";
    }
}
