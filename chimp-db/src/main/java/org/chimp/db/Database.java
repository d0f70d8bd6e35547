package org.chimp.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the database CHIMP keeps its state in and migrates each module's tables. H2 runs in PostgreSQL mode so
 * that one SQL dialect (standard SQL plus MERGE) serves both the embedded default and PostgreSQL.
 */
public final class Database {
    /** H2 settings that make it accept the PostgreSQL-flavoured SQL the modules write. */
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    static final String H2_COMPAT = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";

    private Database() {
    }

    /** A pooled data source; user and password may also be given in the URL. */
    public static HikariDataSource open(String jdbcUrl, String user, String password) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(withCompatibility(jdbcUrl));
        if (user != null) {
            cfg.setUsername(user);
        }
        if (password != null) {
            cfg.setPassword(password);
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:") && !jdbcUrl.contains("prepareThreshold")) {
            // Server-side prepared statements with binary results from the first execution instead of the fifth:
            // with a pool, each connection counts on its own, so most calls stayed on the slower text protocol
            // (a 100,000-point metric history: ~190 ms text vs ~70 ms binary, measured here).
            cfg.addDataSourceProperty("prepareThreshold", "1");
        }
        cfg.setMaximumPoolSize(16);
        cfg.setPoolName("chimp");
        return new HikariDataSource(cfg);
    }

    /** Opens a database with the credentials in its URL (if any). */
    public static HikariDataSource open(String jdbcUrl) {
        return open(jdbcUrl, null, null);
    }

    /**
     * The embedded default: an H2 file database under the data directory. {@code WRITE_DELAY=0} writes every
     * commit to the file before the commit returns (H2 otherwise batches writes for up to 500 ms, so a killed
     * process would lose transactions it had acknowledged). The {@code retry:} file system reopens the file when a
     * thread is interrupted mid-write, instead of closing the database for everyone (cancelled jobs interrupt).
     * {@code DB_CLOSE_ON_EXIT=FALSE}: H2's own shutdown hook would close the database at SIGTERM while CHIMP's
     * graceful shutdown still needs it (running jobs finish or are handed back, the worker leaves the registry);
     * the database closes with the connection pool, last.
     */
    public static String h2FileUrl(java.nio.file.Path dataDir) {
        return "jdbc:h2:retry:" + dataDir.toAbsolutePath().resolve("db").resolve("chimp") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
    }

    /**
     * Brings one module's tables up to date. Each module keeps its scripts under {@code db/migration/<module>} and
     * its own history table, so modules can evolve their schemas independently in one database. An embedded H2
     * file database whose tables already exist is first backed up next to its file ({@link H2Backup}); should a
     * script fail there, the error says where that copy is.
     */
    public static void migrate(DataSource ds, String module) {
        Flyway flyway = Flyway.configure(Database.class.getClassLoader())
                .dataSource(ds)
                .locations("classpath:db/migration/" + module)
                .table("flyway_history_" + module)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load();
        MigrationInfoService info = flyway.info();
        MigrationInfo[] pending = info.pending();
        Optional<Path> backup = pending.length == 0 || info.applied().length == 0 ? Optional.empty()
                : H2Backup.before(ds, module, pending[pending.length - 1].getVersion().getVersion());
        try {
            flyway.migrate();
        } catch (FlywayException e) {
            if (backup.isEmpty()) {
                throw e;
            }
            throw new IllegalStateException("Migrating the " + module + " tables of the embedded database failed; "
                    + "the database as it was before is in " + backup.get() + " (stop CHIMP, unzip it over the "
                    + "database file to go back)", e);
        }
        backup.ifPresent(b -> LOG.info("Migrated the {} tables of the embedded database; the copy from before is {}",
                module, b));
    }

    static String withCompatibility(String url) {
        if (!url.toLowerCase(Locale.ROOT).startsWith("jdbc:h2:") || url.toUpperCase(Locale.ROOT).contains(";MODE=")) {
            return url;
        }
        return url + H2_COMPAT;
    }
}
