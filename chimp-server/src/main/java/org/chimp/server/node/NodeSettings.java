package org.chimp.server.node;

import java.nio.file.Path;
import org.chimp.db.Database;
import org.chimp.http.ServerLimits;
import org.chimp.store.S3Options;
import org.chimp.store.UploadLimits;

/**
 * The backends one CHIMP process uses, resolved from options, environment and config file. Every process of a
 * deployment (standalone, server, worker) that shares the database, broker and store sees the same state.
 *
 * @param db     JDBC URL, or null for the embedded H2 file database in the data directory
 * @param broker {@code embedded}, {@code redis://...} or {@code amqp://...}
 * @param store  blob store: a directory, {@code s3://bucket/prefix}, or null for {@code <dataDir>/store}
 * @param http   the limits every HTTP listener of the process applies
 * @param s3     how to reach the S3 server of an {@code s3://} store
 * @param datasetCacheBytes bound of the node's cache of dataset versions fetched from the store for training
 * @param models where models and plugins come from, and how many personal models serving keeps loaded
 * @param observability who may scrape {@code /metrics}, and whether requests are logged
 */
public record NodeSettings(Path dataDir, String db, String broker, String store, String adminToken, ServerLimits http, S3Options s3,
                           long datasetCacheBytes, ModelSettings models, ObservabilitySettings observability) {
    /** 10 GiB. */
    public static final long DEFAULT_DATASET_CACHE_BYTES = 10L << 30;

    /** Settings with the default observability: {@code /metrics} for admins, the access log on. */
    public NodeSettings(Path dataDir, String db, String broker, String store, String adminToken, ServerLimits http, S3Options s3,
                        long datasetCacheBytes, ModelSettings models) {
        this(dataDir, db, broker, store, adminToken, http, s3, datasetCacheBytes, models, ObservabilitySettings.defaults());
    }

    /** Settings with the default HTTP limits. */
    public NodeSettings(Path dataDir, String db, String broker, String store, String adminToken) {
        this(dataDir, db, broker, store, adminToken, defaultHttpLimits());
    }

    /** Settings with the default S3 options (AWS). */
    public NodeSettings(Path dataDir, String db, String broker, String store, String adminToken, ServerLimits http) {
        this(dataDir, db, broker, store, adminToken, http, S3Options.defaults(), DEFAULT_DATASET_CACHE_BYTES, ModelSettings.defaults());
    }

    /** The JDBC URL of the database: the configured one, or the embedded H2 file in the data directory. */
    public String jdbcUrl() {
        return db == null ? Database.h2FileUrl(dataDir) : db;
    }

    /** The default HTTP limits: uploads as large as the dataset store accepts. */
    public static ServerLimits defaultHttpLimits() {
        return ServerLimits.defaults(UploadLimits.defaults().maxCompressedBytes() + (1 << 20));
    }
}
