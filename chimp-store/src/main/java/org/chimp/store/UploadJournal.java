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
        // From this commit on, the version's manifest protects the upload's blobs.
        Sql.update(c, "DELETE FROM store_upload_blobs WHERE upload_id = ?", id);
        return Sql.update(c, "DELETE FROM store_uploads WHERE id = ? AND NOT abandoned", id) == 1;
    }

    /**
     * Records the blobs an upload is about to store or reuse, before it looks whether they are stored: from then on
     * the garbage collector leaves them alone. Waits while a collection batch is running (see {@link #lockGc}).
     */
    void registerBlobs(String id, java.util.Collection<String> keys) {
        Jdbc.inTransaction(ds, c -> {
            lockGc(c);
            return Sql.batch(c, "INSERT INTO store_upload_blobs (upload_id, blob_key) VALUES (?, ?)",
                    keys.stream().map(k -> new Object[] {id, k}).toList());
        });
    }

    /** Takes the collector's lock row until the transaction ends. */
    static void lockGc(Connection c) throws SQLException {
        Sql.first(c, "SELECT id FROM store_gc_lock WHERE id = 1 FOR UPDATE", rs -> rs.getInt(1));
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
        Jdbc.inTransaction(ds, c -> {
            Sql.update(c, "DELETE FROM store_upload_blobs WHERE upload_id = ?", id);
            return Sql.update(c, "DELETE FROM store_uploads WHERE id = ?", id);
        });
    }

    /** Every upload in progress, oldest first. */
    List<Upload> all() {
        return Jdbc.withConnection(ds, c -> Sql.list(c, "SELECT * FROM store_uploads ORDER BY started_at, id",
                rs -> new Upload(rs.getString("id"), rs.getString("name"), rs.getString("blob_prefix"), rs.getString("owner"),
                        Sql.instant(rs, "started_at"), rs.getBoolean("abandoned"))));
    }
}
