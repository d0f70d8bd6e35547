package org.chimp.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
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
            WHERE d.deleted_at IS NULL AND %s
            ORDER BY d.name, d.version, l.split, l.label""";

    private final DataSource ds;

    DatasetCatalog(DataSource ds) {
        this.ds = ds;
        Database.migrate(ds, "store");
    }

    /**
     * What an upload publishes.
     *
     * @param files  the upload's own files
     * @param append true to put them on top of the newest version (same paths replaced), false for a version of its own
     */
    record Publication(String name, String uploadId, String blobPrefix, List<ManifestEntry> files, boolean append,
                       String createdBy, Instant createdAt) {
    }

    /**
     * Publishes an upload whose files are all stored: in one transaction, removes its journal row and inserts the
     * version under the next free number, which is returned, with its manifest. The number (and, for an append, the
     * parent: the newest version at this moment) is taken only now, so an upload that never gets here uses none, and
     * two concurrent appends make two versions, the second on top of the first. The primary key makes a concurrent
     * upload that picked the same number fail, and that one simply tries again.
     *
     * @throws IllegalStateException if recovery has claimed the upload (its process was taken for dead)
     */
    DatasetVersion publish(Publication p) {
        for (int attempt = 1; ; attempt++) {
            try {
                return Jdbc.inTransaction(ds, c -> {
                    if (!UploadJournal.finish(c, p.uploadId())) {
                        throw new IllegalStateException("Upload " + p.uploadId() + " of dataset " + p.name()
                                + " was abandoned by recovery before it could be published");
                    }
                    return insert(c, p);
                });
            } catch (DataAccessException e) {
                if (!e.isUniqueViolation() || attempt == PUBLISH_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static DatasetVersion insert(Connection c, Publication p) throws SQLException {
        // Deleted versions keep their number: a number names one content for good.
        int next = Sql.first(c, "SELECT COALESCE(MAX(version), 0) + 1 FROM store_datasets WHERE name = ?",
                rs -> rs.getInt(1), p.name()).orElseThrow();
        Integer parent = null;
        Map<String, ManifestEntry> merged = new LinkedHashMap<>();
        if (p.append()) {
            parent = Sql.first(c, "SELECT version FROM store_datasets WHERE name = ? AND deleted_at IS NULL ORDER BY version DESC LIMIT 1",
                    rs -> rs.getInt(1), p.name()).orElse(null);
            if (parent != null) {
                for (ManifestEntry e : manifest(c, p.name(), parent)) {
                    merged.put(DatasetZip.sameness(e.path()), e);
                }
            }
        }
        for (ManifestEntry e : p.files()) {
            // A file whose path the parent has (even in another case or Unicode form) replaces it: a correction.
            merged.remove(DatasetZip.sameness(e.path()));
            merged.put(DatasetZip.sameness(e.path()), e);
        }
        List<ManifestEntry> all = ManifestEntry.sorted(merged.values());
        DatasetVersion v = new DatasetVersion(p.name(), next, ManifestEntry.contentHash(all), all.size(), ManifestEntry.sizeBytes(all),
                ManifestEntry.splits(all), p.createdAt());
        Sql.update(c, "INSERT INTO store_datasets (name, version, content_hash, file_count, size_bytes, created_at, blob_prefix, "
                + "parent_version, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", v.name(), next, v.contentHash(), v.fileCount(),
                v.sizeBytes(), v.createdAt(), p.blobPrefix(), parent, p.createdBy());
        insertLabels(c, v);
        List<Object[]> rows = new ArrayList<>();
        for (ManifestEntry e : all) {
            rows.add(new Object[] {v.name(), next, e.path(), e.sha256(), e.size(), e.blobKey()});
        }
        Sql.batch(c, "INSERT INTO store_dataset_files (name, version, path, sha256, size_bytes, blob_key) VALUES (?, ?, ?, ?, ?, ?)", rows);
        return v;
    }

    private static void insertLabels(Connection c, DatasetVersion v) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        for (var split : v.splits().entrySet()) {
            for (var label : split.getValue().entrySet()) {
                rows.add(new Object[] {v.name(), v.version(), split.getKey(), label.getKey(), label.getValue()});
            }
        }
        Sql.batch(c, "INSERT INTO store_dataset_labels (name, version, split, label, files) VALUES (?, ?, ?, ?, ?)", rows);
    }

    /** The manifest of a version, sorted by path; empty for a version stored before manifests until it is filled in. */
    List<ManifestEntry> manifest(DatasetVersion v) {
        return Jdbc.withConnection(ds, c -> manifest(c, v.name(), v.version()));
    }

    private static List<ManifestEntry> manifest(Connection c, String name, int version) throws SQLException {
        List<ManifestEntry> rows = Sql.list(c, "SELECT path, sha256, size_bytes, blob_key FROM store_dataset_files WHERE name = ? AND version = ?",
                rs -> new ManifestEntry(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4)), name, version);
        return ManifestEntry.sorted(rows);
    }

    /** Fills in the manifest of a version stored before manifests; a concurrent fill of the same version is fine. */
    void fillManifest(DatasetVersion v, List<ManifestEntry> files) {
        try {
            Jdbc.inTransaction(ds, c -> {
                List<Object[]> rows = new ArrayList<>();
                for (ManifestEntry e : files) {
                    rows.add(new Object[] {v.name(), v.version(), e.path(), e.sha256(), e.size(), e.blobKey()});
                }
                return Sql.batch(c, "INSERT INTO store_dataset_files (name, version, path, sha256, size_bytes, blob_key) VALUES (?, ?, ?, ?, ?, ?)", rows);
            });
        } catch (DataAccessException e) {
            if (!e.isUniqueViolation()) {
                throw e;
            }
        }
    }

    /**
     * A page of a version's files whose paths start with {@code prefix}, in path order. The prefix is matched
     * literally (LIKE's wildcards escaped).
     */
    List<ManifestEntry> files(DatasetVersion v, String prefix, long offset, int limit) {
        String like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return Jdbc.withConnection(ds, c -> Sql.list(c, "SELECT path, sha256, size_bytes, blob_key FROM store_dataset_files "
                + "WHERE name = ? AND version = ? AND path LIKE ? ESCAPE '\\' ORDER BY path LIMIT ? OFFSET ?",
                rs -> new ManifestEntry(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4)),
                v.name(), v.version(), like, limit, offset));
    }

    /** One file of a version, by exact path. */
    java.util.Optional<ManifestEntry> file(DatasetVersion v, String path) {
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT path, sha256, size_bytes, blob_key FROM store_dataset_files "
                + "WHERE name = ? AND version = ? AND path = ?",
                rs -> new ManifestEntry(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4)), v.name(), v.version(), path));
    }

    /** Parent version (null if none) and creator (null if unknown) of a version. */
    record Origin(Integer parent, String createdBy) {
    }

    Origin origin(DatasetVersion v) {
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT parent_version, created_by FROM store_datasets WHERE name = ? AND version = ?",
                rs -> new Origin((Integer) rs.getObject(1), rs.getString(2)), v.name(), v.version())).orElse(new Origin(null, null));
    }

    /**
     * Marks a version deleted (its number is never given again) and drops its manifest and labels; returns the blob
     * keys it referenced, for the garbage collector.
     */
    List<String> delete(DatasetVersion v) {
        return Jdbc.inTransaction(ds, c -> {
            List<String> keys = Sql.list(c, "SELECT DISTINCT blob_key FROM store_dataset_files WHERE name = ? AND version = ?",
                    rs -> rs.getString(1), v.name(), v.version());
            Sql.update(c, "DELETE FROM store_dataset_files WHERE name = ? AND version = ?", v.name(), v.version());
            Sql.update(c, "DELETE FROM store_dataset_labels WHERE name = ? AND version = ?", v.name(), v.version());
            Sql.update(c, "UPDATE store_datasets SET deleted_at = ? WHERE name = ? AND version = ?", Instant.now(), v.name(), v.version());
            return keys;
        });
    }

    /**
     * Deletes those of the keys that no manifest and no upload in progress refers to, holding the collector's lock so
     * no upload can start relying on one of them meanwhile. Returns the number deleted.
     */
    int sweep(List<String> keys, BlobStore blobs) {
        String marks = String.join(", ", java.util.Collections.nCopies(keys.size(), "?"));
        return Jdbc.inTransaction(ds, c -> {
            UploadJournal.lockGc(c);
            Object[] args = new Object[keys.size() * 2];
            for (int i = 0; i < keys.size(); i++) {
                args[i] = keys.get(i);
                args[keys.size() + i] = keys.get(i);
            }
            java.util.Set<String> used = new java.util.HashSet<>(Sql.list(c, "SELECT blob_key FROM store_dataset_files WHERE blob_key IN ("
                    + marks + ") UNION SELECT blob_key FROM store_upload_blobs WHERE blob_key IN (" + marks + ")", rs -> rs.getString(1), args));
            int removed = 0;
            for (String key : keys) {
                if (!used.contains(key)) {
                    try {
                        blobs.delete(key);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    removed++;
                }
            }
            return removed;
        });
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
        return query("d.version = (SELECT MAX(x.version) FROM store_datasets x WHERE x.name = d.name AND x.deleted_at IS NULL)");
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
