package org.chimp.server.node;

import java.nio.file.Path;

/**
 * Everything one CHIMP process is built from, resolved from options, environment and config file.
 *
 * @param db                JDBC URL, or null for the embedded H2 file database in the data directory
 * @param store             blob store directory, or null for {@code <dataDir>/store}
 * @param worker            whether this process also runs jobs
 * @param workerConcurrency jobs run at once by the in-process worker
 */
public record NodeSettings(int port, Path dataDir, String db, String broker, String store, String adminToken,
                           boolean worker, int workerConcurrency) {
}
