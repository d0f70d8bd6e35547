package org.chimp.server.config;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every serving or working process takes, the same on each command. Each can also be set with a
 * CHIMP_* environment variable or a key in the YAML config file (see {@link ConfigSource}).
 */
public final class NodeOptions {
    @Option(names = "--port", defaultValue = "5252",
            description = "HTTP port (env CHIMP_PORT; default ${DEFAULT-VALUE}; 0 picks a free one).")
    public int port;

    @Option(names = "--data-dir", defaultValue = "chimp-data",
            description = "Directory for the embedded database, store and broker (env CHIMP_DATA_DIR; default ${DEFAULT-VALUE}).")
    public Path dataDir;

    @Option(names = "--db", description = "JDBC URL of the database (env CHIMP_DB_URL): jdbc:h2:... or "
            + "jdbc:postgresql://host/db?user=..; default an H2 file database in the data directory.")
    public String db;

    @Option(names = "--broker", defaultValue = "embedded",
            description = "Job broker (env CHIMP_BROKER_URL): 'embedded' (durable, in the database; default).")
    public String broker;

    @Option(names = "--store", description = "Blob store (env CHIMP_STORE_URL): a directory; default <data-dir>/store.")
    public String store;

    @Option(names = "--config", description = "YAML config file whose keys are option names (env CHIMP_CONFIG; "
            + "default ./chimp.yaml if present). The admin token may be set there as 'admin-token'.")
    public Path config;
}
