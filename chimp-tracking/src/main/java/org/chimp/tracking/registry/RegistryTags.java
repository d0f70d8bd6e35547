package org.chimp.tracking.registry;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.Sql;

/**
 * Tags of registered models ({@code tracking_registered_model_tags}, owner column model_id) and of versions
 * ({@code tracking_model_version_tags}, owner columns model_id and version). Callers give the owner as the model's
 * name (and the version number); {@link RegistryRows#MODEL_ID} turns the name into the id.
 */
final class RegistryTags {
    static final RegistryTags MODEL = new RegistryTags("tracking_registered_model_tags", List.of("model_id"),
            List.of(RegistryRows.MODEL_ID));
    static final RegistryTags VERSION = new RegistryTags("tracking_model_version_tags", List.of("model_id", "version"),
            List.of(RegistryRows.MODEL_ID, "?"));
    private static final int MAX_KEY_LENGTH = 250;
    private static final int MAX_VALUE_LENGTH = 5000;

    private final String table;
    private final String owner;
    private final String ownerList;
    private final String ownerValues;

    /** @param ownerValues per owner column, the SQL that takes its value from one bound argument */
    private RegistryTags(String table, List<String> ownerColumns, List<String> ownerValues) {
        this.table = table;
        List<String> conditions = new ArrayList<>();
        for (int i = 0; i < ownerColumns.size(); i++) {
            conditions.add(ownerColumns.get(i) + " = " + ownerValues.get(i));
        }
        this.owner = String.join(" AND ", conditions);
        this.ownerList = String.join(", ", ownerColumns);
        this.ownerValues = String.join(", ", ownerValues);
    }

    /** Checks a tag before anything is written. */
    static void check(String key, String value) {
        if (key == null || key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            throw ClientErrorException.invalid("A tag needs a non-empty key of at most " + MAX_KEY_LENGTH + " characters");
        }
        if (value == null || value.length() > MAX_VALUE_LENGTH) {
            throw ClientErrorException.invalid("Tag '" + key + "' needs a value of at most " + MAX_VALUE_LENGTH + " characters");
        }
    }

    void set(Connection c, List<Object> ownerKey, String key, String value) throws SQLException {
        List<Object> args = new ArrayList<>(List.of(value));
        args.addAll(ownerKey);
        args.add(key);
        if (Sql.update(c, "UPDATE " + table + " SET val = ? WHERE " + owner + " AND name = ?", args.toArray()) == 0) {
            List<Object> insert = new ArrayList<>(ownerKey);
            insert.add(key);
            insert.add(value);
            Sql.update(c, "INSERT INTO " + table + " (" + ownerList + ", name, val) VALUES (" + ownerValues + ", ?, ?)",
                    insert.toArray());
        }
    }

    /** Removes a tag; false if there was none. */
    boolean delete(Connection c, List<Object> ownerKey, String key) throws SQLException {
        List<Object> args = new ArrayList<>(ownerKey);
        args.add(key);
        return Sql.update(c, "DELETE FROM " + table + " WHERE " + owner + " AND name = ?", args.toArray()) > 0;
    }
}
