package org.chimp.server.node;

import java.nio.file.Path;
import org.chimp.http.ServerLimits;
import org.chimp.store.UploadLimits;

/**
 * The backends one CHIMP process uses, resolved from options, environment and config file. Every process of a
 * deployment (standalone, server, worker) that shares the database, broker and store sees the same state.
 *
 * @param db     JDBC URL, or null for the embedded H2 file database in the data directory
 * @param broker {@code embedded}, {@code redis://...} or {@code amqp://...}
 * @param store  blob store directory, or null for {@code <dataDir>/store}
 * @param http   the limits every HTTP listener of the process applies
 * @param maxPersonalModels personal (calibrated) model versions serving keeps loaded, least recently used unloaded first
 * @param faceCascade the Haar cascade face detection uses, or null for the detector's default (Debian's opencv-data)
 * @param pluginsDir  the folder of external plugin jars, or null for {@code <dataDir>/plugins}
 */
public record NodeSettings(Path dataDir, String db, String broker, String store, String adminToken, ServerLimits http,
                           int maxPersonalModels, Path faceCascade, Path pluginsDir) {
    /** Settings with the default number of loaded personal models and the default face cascade. */
    public NodeSettings(Path dataDir, String db, String broker, String store, String adminToken, ServerLimits http) {
        this(dataDir, db, broker, store, adminToken, http, org.chimp.serving.Deployments.DEFAULT_MAX_PERSONAL, null, null);
    }

    /** Settings with the default HTTP limits. */
    public NodeSettings(Path dataDir, String db, String broker, String store, String adminToken) {
        this(dataDir, db, broker, store, adminToken, defaultHttpLimits());
    }

    /** The default HTTP limits: uploads as large as the dataset store accepts. */
    public static ServerLimits defaultHttpLimits() {
        return ServerLimits.defaults(UploadLimits.defaults().maxCompressedBytes() + (1 << 20));
    }
}
