package org.chimp.tracking;

import java.nio.file.Path;
import java.util.Map;
import javax.sql.DataSource;
import org.chimp.store.BlobStore;

/** Experiments and runs in the database (module migrations under {@code db/migration/tracking}). */
public final class TrackingStore {
    public TrackingStore(DataSource ds, BlobStore blobs) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The experiment with this name, created if absent. Returns its id. */
    public String getOrCreateExperiment(String name) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Starts a run (status RUNNING) in an experiment and returns a handle to log to it. */
    public ActiveRun startRun(String experimentId, String runName, Map<String, String> tags) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Stores a file as a run artifact at {@code artifactPath} (relative, e.g. {@code model/model.onnx}). */
    public void logArtifact(String runId, String artifactPath, Path file) {
        throw new UnsupportedOperationException("not yet");
    }
}
