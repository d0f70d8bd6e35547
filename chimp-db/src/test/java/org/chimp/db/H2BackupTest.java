package org.chimp.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2BackupTest {
    @TempDir
    Path dir;

    /** Applies the module's scripts up to {@code version} as Database.migrate would, as an older CHIMP did. */
    private static void migrateTo(DataSource ds, String module, String version) {
        Flyway.configure(Database.class.getClassLoader()).dataSource(ds).locations("classpath:db/migration/" + module)
                .table("flyway_history_" + module).baselineOnMigrate(true).baselineVersion("0").target(version)
                .load().migrate();
    }

    private static <T> List<T> query(DataSource ds, String sql, Sql.Row<T> row) {
        return Jdbc.withConnection(ds, c -> Sql.list(c, sql, row));
    }

    private static Path backupOf(Path dataDir, String module, String version) {
        return dataDir.resolve("db").resolve("chimp-before-" + module + "-v" + version + ".zip");
    }

    @Test
    void aFileDatabaseWithTablesIsCopiedBeforeNewScriptsRun() {
        try (HikariDataSource ds = Database.open(Database.h2FileUrl(dir))) {
            migrateTo(ds, "backupok", "1");
            Jdbc.withConnection(ds, c -> Sql.update(c, "INSERT INTO backupok_people (name) VALUES ('ada')"));
            Database.migrate(ds, "backupok");
            assertThat(query(ds, "SELECT age FROM backupok_people WHERE name = 'ada'", rs -> rs.getObject(1))).containsExactly((Object) null);
        }
        assertThat(backupOf(dir, "backupok", "2")).isRegularFile();
    }

    @Test
    void nothingIsCopiedForAFreshDatabaseOrWhenNothingIsPending() throws IOException {
        try (HikariDataSource ds = Database.open(Database.h2FileUrl(dir))) {
            Database.migrate(ds, "backupok");
            Database.migrate(ds, "backupok");
        }
        try (var files = Files.list(dir.resolve("db"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".zip"));
        }
    }

    @Test
    void aMigrationThatFailsHalfwaySaysWhereTheCopyIsAndTheCopyHoldsTheDataFromBefore() throws IOException {
        try (HikariDataSource ds = Database.open(Database.h2FileUrl(dir))) {
            migrateTo(ds, "backupfail", "1");
            Jdbc.withConnection(ds, c -> Sql.update(c, "INSERT INTO backupfail_people (name) VALUES ('grace')"));
            assertThatThrownBy(() -> Database.migrate(ds, "backupfail"))
                    .hasMessageContaining("Migrating the backupfail tables of the embedded database failed")
                    .hasMessageContaining(backupOf(dir, "backupfail", "2").toString());
            // The half-done script left the table renamed: what the copy is for.
            assertThat(query(ds, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'backupfail_people'", rs -> rs.getLong(1))).containsExactly(0L);
        }
        Path restored = Files.createDirectories(dir.resolve("restored").resolve("db"));
        unzip(backupOf(dir, "backupfail", "2"), restored);
        try (HikariDataSource ds = Database.open(Database.h2FileUrl(restored.getParent()))) {
            assertThat(query(ds, "SELECT name FROM backupfail_people", rs -> rs.getString(1))).containsExactly("grace");
        }
    }

    @Test
    void inMemoryDatabasesAreNotCopied() {
        try (HikariDataSource ds = TestDatabases.h2()) {
            migrateTo(ds, "backupok", "1");
            assertThat(H2Backup.before(ds, "backupok", "2")).isEmpty();
        }
    }

    private static void unzip(Path zip, Path into) throws IOException {
        try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
            for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                Path target = into.resolve(Path.of(e.getName()).getFileName().toString());
                Files.copy(z, target);
            }
        }
    }
}
