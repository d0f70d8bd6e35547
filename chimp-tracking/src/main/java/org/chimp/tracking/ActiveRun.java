package org.chimp.tracking;

import java.nio.file.Path;
import java.util.Map;

/** A handle on one run, for the code that produces it (a training plugin): log, then end it. */
public final class ActiveRun {
    ActiveRun() {
        throw new UnsupportedOperationException("not yet");
    }

    /** The run id (32 hex digits, as MLflow's). */
    public String id() {
        throw new UnsupportedOperationException("not yet");
    }

    /** The experiment id. */
    public String experimentId() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Logs a parameter; parameters are immutable, logging another value for a key is a 400. */
    public void logParam(String key, String value) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Logs several parameters at once, atomically. */
    public void logParams(Map<String, String> params) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Appends a metric value at a step, timestamped now. */
    public void logMetric(String key, double value, long step) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Sets a tag. */
    public void setTag(String key, String value) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Stores a file as a run artifact at {@code artifactPath}. */
    public void logArtifact(String artifactPath, Path file) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Ends the run as FINISHED (success true) or FAILED. */
    public void end(boolean success) {
        throw new UnsupportedOperationException("not yet");
    }
}
