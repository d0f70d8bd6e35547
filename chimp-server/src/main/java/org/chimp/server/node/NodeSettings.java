package org.chimp.server.node;

import java.nio.file.Path;

/**
 * The backends one CHIMP process uses, resolved from options, environment and config file. Every process of a
 * deployment (standalone, server, worker) that shares the database, broker and store sees the same state.
 *
 * @param db     JDBC URL, or null for the embedded H2 file database in the data directory
 * @param broker {@code embedded}, {@code redis://...} or {@code amqp://...}
 * @param store  blob store directory, or null for {@code <dataDir>/store}
 */
public record NodeSettings(Path dataDir, String db, String broker, String store, String adminToken) {
}
