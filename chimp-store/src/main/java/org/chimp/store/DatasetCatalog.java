package org.chimp.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.chimp.db.DataAccessException;
import org.chimp.db.Database;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;

/** The dataset versions table: publishing versions under the next number and reading them. */
final class DatasetCatalog {
    private static final int PUBLISH_ATTEMPTS = 20;
    private static final String SELECT = """
            SELECT d.name, d.version, d.content_hash, d.file_count, d.size_bytes, d.created_at, l.split, l.label, l.files
            FROM store_datasets d LEFT JOIN store_dataset_labels l ON l.name = d.name AND l.version = d.version
            WHERE %s
            ORDER BY d.name, d.version, l.split, l.label""";

    private final DataSource ds;

    DatasetCatalog(DataSource ds) {
        this.ds = ds;
        Database.migrate(ds, "store");
    }

    /**
     * Publishes an upload whose files are all stored under {@code blobPrefix}: in one transaction, removes its
     * journal row and inserts the version under the next free number, which is returned. The number is taken only
     * now, so an upload that never gets here uses none. The primary key makes a concurrent upload that picked the
     * same number fail, and that one simply tries the next number.
     *
     * @throws IllegalStateException if recovery has claimed the upload (its process was taken for dead)
     */
    DatasetVersion publish(DatasetVersion v, String uploadId, String blobPrefix) {
        for (int attempt = 1; ; attempt++) {
            try {
                return Jdbc.inTransaction(ds, c -> {
                    if (!UploadJournal.finish(c, uploadId)) {
                        throw new IllegalStateException("Upload " + uploadId + " of dataset " + v.name()
                                + " was abandoned by recovery before it could be published");
                    }
                    return insert(c, v, blobPrefix);
                });
            } catch (DataAccessException e) {
                if (!e.isUniqueViolation() || attempt == PUBLISH_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static DatasetVersion insert(Connection c, DatasetVersion v, String blobPrefix) throws SQLException {
        int next = Sql.first(c, "SELECT COALESCE(MAX(version), 0) + 1 FROM store_datasets WHERE name = ?",
                rs -> rs.getInt(1), v.name()).orElseThrow();
        Sql.update(c, "INSERT INTO store_datasets (name, version, content_hash, file_count, size_bytes, created_at, blob_prefix) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)", v.name(), next, v.contentHash(), v.fileCount(), v.sizeBytes(), v.createdAt(), blobPrefix);
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO store_dataset_labels (name, version, split, label, files) VALUES (?, ?, ?, ?, ?)")) {
            for (var split : v.splits().entrySet()) {
                for (var label : split.getValue().entrySet()) {
                    ps.setString(1, v.name());
                    ps.setInt(2, next);
                    ps.setString(3, split.getKey());
                    ps.setString(4, label.getKey());
                    ps.setInt(5, label.getValue());
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
        return new DatasetVersion(v.name(), next, v.contentHash(), v.fileCount(), v.sizeBytes(), v.splits(), v.createdAt());
    }

    /** True if a published version keeps its files under the prefix. */
    boolean isPublished(String blobPrefix) {
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT 1 FROM store_datasets WHERE blob_prefix = ?",
                rs -> 1, blobPrefix)).isPresent();
    }

    /** Where the files of a published version are stored. */
    String blobPrefix(DatasetVersion v) {
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT blob_prefix FROM store_datasets WHERE name = ? AND version = ?",
                rs -> rs.getString(1), v.name(), v.version())).orElseThrow(() -> new IllegalStateException(
                "Dataset " + v.ref() + " is not in the catalog"));
    }

    /** The newest version of every dataset, by name. */
    List<DatasetVersion> newest() {
        return query("d.version = (SELECT MAX(x.version) FROM store_datasets x WHERE x.name = d.name)");
    }

    /** Every version of one dataset, oldest first. */
    List<DatasetVersion> versions(String name) {
        return query("d.name = ?", name);
    }

    private List<DatasetVersion> query(String condition, Object... params) {
        return fold(Jdbc.withConnection(ds, c -> Sql.list(c, SELECT.formatted(condition), LabelRow::read, params)));
    }

    /** Folds the one-row-per-label join back into versions. */
    private static List<DatasetVersion> fold(List<LabelRow> rows) {
        Map<String, DatasetVersion> versions = new LinkedHashMap<>();
        Map<String, Map<String, Map<String, Integer>>> splits = new LinkedHashMap<>();
        for (LabelRow row : rows) {
            DatasetVersion v = row.version();
            versions.putIfAbsent(v.ref(), v);
            Map<String, Map<String, Integer>> s = splits.computeIfAbsent(v.ref(), r -> new TreeMap<>());
            if (row.split() != null) {
                s.computeIfAbsent(row.split(), x -> new TreeMap<>()).put(row.label(), row.files());
            }
        }
        List<DatasetVersion> out = new ArrayList<>();
        versions.forEach((ref, v) -> out.add(new DatasetVersion(v.name(), v.version(), v.contentHash(), v.fileCount(),
                v.sizeBytes(), splits.get(ref), v.createdAt())));
        return out;
    }

    /** One row of the join: a version without its splits, and one label of it (split null if it has none). */
    private record LabelRow(DatasetVersion version, String split, String label, int files) {
        static LabelRow read(ResultSet rs) throws SQLException {
            DatasetVersion v = new DatasetVersion(rs.getString("name"), rs.getInt("version"), rs.getString("content_hash"),
                    rs.getLong("file_count"), rs.getLong("size_bytes"), Map.of(), Sql.instant(rs, "created_at"));
            return new LabelRow(v, rs.getString("split"), rs.getString("label"), rs.getInt("files"));
        }
    }
}
