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

/** The dataset versions table: reserving numbers, publishing and reading versions. */
final class DatasetCatalog {
    private static final int RESERVE_ATTEMPTS = 20;
    private static final String SELECT = """
            SELECT d.name, d.version, d.content_hash, d.file_count, d.size_bytes, d.created_at, l.split, l.label, l.files
            FROM store_datasets d LEFT JOIN store_dataset_labels l ON l.name = d.name AND l.version = d.version
            WHERE d.ready AND %s
            ORDER BY d.name, d.version, l.split, l.label""";

    private final DataSource ds;

    DatasetCatalog(DataSource ds) {
        this.ds = ds;
        Database.migrate(ds, "store");
    }

    /**
     * Inserts the version as not yet ready under the next free number and returns it. The primary key makes a
     * concurrent upload that picked the same number fail, and that one simply tries the next number.
     */
    DatasetVersion reserve(DatasetVersion v) {
        for (int attempt = 1; ; attempt++) {
            try {
                return Jdbc.inTransaction(ds, c -> insert(c, v));
            } catch (DataAccessException e) {
                if (!e.isUniqueViolation() || attempt == RESERVE_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static DatasetVersion insert(Connection c, DatasetVersion v) throws SQLException {
        int next = Sql.first(c, "SELECT COALESCE(MAX(version), 0) + 1 FROM store_datasets WHERE name = ?",
                rs -> rs.getInt(1), v.name()).orElseThrow();
        Sql.update(c, "INSERT INTO store_datasets (name, version, content_hash, file_count, size_bytes, created_at, ready) "
                + "VALUES (?, ?, ?, ?, ?, ?, FALSE)", v.name(), next, v.contentHash(), v.fileCount(), v.sizeBytes(), v.createdAt());
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

    /** Makes a reserved version visible, once all its files are stored. */
    void publish(String name, int version) {
        update("UPDATE store_datasets SET ready = TRUE WHERE name = ? AND version = ?", name, version);
    }

    /** Forgets a reserved version whose files could not be stored. */
    void discard(String name, int version) {
        update("DELETE FROM store_datasets WHERE name = ? AND version = ?", name, version);
    }

    private void update(String sql, String name, int version) {
        Jdbc.withConnection(ds, c -> Sql.update(c, sql, name, version));
    }

    /** The newest ready version of every dataset, by name. */
    List<DatasetVersion> newest() {
        return query("d.version = (SELECT MAX(x.version) FROM store_datasets x WHERE x.name = d.name AND x.ready)");
    }

    /** Every ready version of one dataset, oldest first. */
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
