package org.chimp.serving.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.chimp.serving.FailedLoad;
import org.chimp.serving.Lease;

/**
 * What responses say when the version answering is not the one the registry asks for: a newer version failed to
 * load, so the older one keeps answering (its own stage, e.g. Archived, is reported as it is now).
 */
final class ServedVersion {
    private ServedVersion() {
    }

    /** Adds {@code "failed_load": {"version", "stage", "message"}} when the lease's deployment has one. */
    static void addTo(ObjectNode out, Lease lease) {
        lease.failedLoad().ifPresent(f -> addTo(out, f));
    }

    static void addTo(ObjectNode out, FailedLoad f) {
        if (f != null) {
            out.putObject("failed_load").put("version", f.version()).put("stage", f.stage()).put("message", f.message());
        }
    }
}
