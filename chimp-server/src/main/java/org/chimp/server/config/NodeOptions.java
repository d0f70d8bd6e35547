package org.chimp.server.config;

import java.io.IOException;
import java.nio.file.Path;
import org.chimp.server.node.NodeSettings;
import picocli.CommandLine.Option;

/**
 * The backend options every process takes, the same on {@code standalone}, {@code server} and {@code worker}.
 * Each can also be set with a CHIMP_* environment variable or a key in the YAML config file (see
 * {@link ConfigSource}). Processes that share the database, broker and store form one CHIMP deployment.
 */
public final class NodeOptions {
    @Option(names = "--data-dir", defaultValue = "chimp-data",
            description = "Directory for the embedded database, store and broker (env CHIMP_DATA_DIR; default ${DEFAULT-VALUE}).")
    public Path dataDir;

    @Option(names = "--db", description = "JDBC URL of the database (env CHIMP_DB_URL): jdbc:h2:... or "
            + "jdbc:postgresql://host/db?user=..; default an H2 file database in the data directory.")
    public String db;

    @Option(names = "--broker", defaultValue = "embedded",
            description = "Job broker (env CHIMP_BROKER_URL): 'embedded' (durable, in the database; default), "
            + "redis://host:6379 (Redis Streams) or amqp://user:pass@host:5672/vhost (RabbitMQ).")
    public String broker;

    @Option(names = "--store", description = "Blob store (env CHIMP_STORE_URL): a directory; default <data-dir>/store.")
    public String store;

    @Option(names = "--config", description = "YAML config file whose keys are option names (env CHIMP_CONFIG; "
            + "default ./chimp.yaml if present). The admin token may be set there as 'admin-token'.")
    public Path config;

    /** The node settings these options describe; the admin token comes from the environment or config file. */
    public NodeSettings settings(ConfigSource config, boolean needsToken) throws IOException {
        String token = needsToken ? AdminToken.resolve(config.setting("admin-token"), dataDir) : null;
        return new NodeSettings(dataDir, db, broker, store, token);
    }
}
