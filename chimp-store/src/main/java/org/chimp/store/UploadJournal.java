package org.chimp.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;

/**
 * The table of dataset uploads in progress ({@code store_uploads}): what recovery needs to find the files of an
 * upload whose process died. A row exists from before the first file is stored until the version is published (in
 * the same transaction) or the files are deleted again.
 */
final class UploadJournal {
    /** One upload in progress. */
    record Upload(String id, String name, String blobPrefix, String owner, Instant startedAt, boolean abandoned) {
    }

    private final DataSource ds;

    UploadJournal(DataSource ds) {
        this.ds = ds;
    }

    /** Records an upload before any of its files is stored. */
    void begin(Upload u) {
        Jdbc.withConnection(ds, c -> Sql.update(c, "INSERT INTO store_uploads (id, name, blob_prefix, owner, started_at, abandoned) "
                + "VALUES (?, ?, ?, ?, ?, ?)", u.id(), u.name(), u.blobPrefix(), u.owner(), u.startedAt(), u.abandoned()));
    }

    /**
     * Removes the row of an upload that is being published, inside the publishing transaction. False if recovery
     * has claimed it (its files may be gone): then the upload must not be published.
     */
    static boolean finish(Connection c, String id) throws SQLException {
        return Sql.update(c, "DELETE FROM store_uploads WHERE id = ? AND NOT abandoned", id) == 1;
    }

    /**
     * Claims an upload for cleanup: from now on it cannot be published. False if it has no row any more (it was
     * published or cleaned up meanwhile): then its files must be left alone.
     */
    boolean abandon(String id) {
        return Jdbc.withConnection(ds, c -> Sql.update(c, "UPDATE store_uploads SET abandoned = TRUE WHERE id = ?", id)) == 1;
    }

    /** Forgets an upload whose files are deleted. */
    void forget(String id) {
        Jdbc.withConnection(ds, c -> Sql.update(c, "DELETE FROM store_uploads WHERE id = ?", id));
    }

    /** Every upload in progress, oldest first. */
    List<Upload> all() {
        return Jdbc.withConnection(ds, c -> Sql.list(c, "SELECT * FROM store_uploads ORDER BY started_at, id",
                rs -> new Upload(rs.getString("id"), rs.getString("name"), rs.getString("blob_prefix"), rs.getString("owner"),
                        Sql.instant(rs, "started_at"), rs.getBoolean("abandoned"))));
    }
}
