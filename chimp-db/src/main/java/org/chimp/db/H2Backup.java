package org.chimp.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A copy of an embedded H2 file database taken before its schema changes. H2 runs DDL outside transactions, so a
 * process killed in the middle of a migration (tables renamed, rows half copied) would leave the data directory in
 * a state no version of CHIMP can open; PostgreSQL migrates each script in one transaction and needs none.
 */
final class H2Backup {
    private H2Backup() {
    }

    /**
     * Writes {@code <database>-before-<module>-<version>.zip} next to the database file with H2's online
     * {@code BACKUP TO} (consistent while others use the database), and returns its path; empty for PostgreSQL and
     * in-memory H2, which have nothing to lose this way.
     */
    static Optional<Path> before(DataSource ds, String module, String version) {
        try (Connection c = ds.getConnection()) {
            if (!c.getMetaData().getURL().startsWith("jdbc:h2:")) {
                return Optional.empty();
            }
            String path;
            try (ResultSet rs = c.createStatement().executeQuery("SELECT DATABASE_PATH()")) {
                path = rs.next() ? rs.getString(1) : null;
            }
            if (path == null) {
                return Optional.empty();
            }
            Path db = Path.of(path);
            Path zip = db.resolveSibling(db.getFileName() + "-before-" + module + "-v" + version + ".zip");
            Files.deleteIfExists(zip);
            try (PreparedStatement st = c.prepareStatement("BACKUP TO ?")) {
                st.setString(1, zip.toString());
                st.execute();
            }
            return Optional.of(zip);
        } catch (SQLException e) {
            throw new DataAccessException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
