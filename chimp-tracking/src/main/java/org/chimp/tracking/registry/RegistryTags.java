package org.chimp.tracking.registry;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.Sql;

/**
 * Tags of registered models ({@code tracking_registered_model_tags}, owner column model_name) and of versions
 * ({@code tracking_model_version_tags}, owner columns model_name and version).
 */
final class RegistryTags {
    static final RegistryTags MODEL = new RegistryTags("tracking_registered_model_tags", List.of("model_name"));
    static final RegistryTags VERSION = new RegistryTags("tracking_model_version_tags", List.of("model_name", "version"));
    private static final int MAX_KEY_LENGTH = 250;
    private static final int MAX_VALUE_LENGTH = 5000;

    private final String table;
    private final String owner;
    private final int ownerColumns;
    private final String ownerList;

    private RegistryTags(String table, List<String> ownerColumns) {
        this.table = table;
        this.owner = String.join(" = ? AND ", ownerColumns) + " = ?";
        this.ownerColumns = ownerColumns.size();
        this.ownerList = String.join(", ", ownerColumns);
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
            Sql.update(c, "INSERT INTO " + table + " (" + ownerList + ", name, val) VALUES ("
                    + String.join(", ", Collections.nCopies(ownerColumns + 2, "?")) + ")", insert.toArray());
        }
    }

    /** Removes a tag; false if there was none. */
    boolean delete(Connection c, List<Object> ownerKey, String key) throws SQLException {
        List<Object> args = new ArrayList<>(ownerKey);
        args.add(key);
        return Sql.update(c, "DELETE FROM " + table + " WHERE " + owner + " AND name = ?", args.toArray()) > 0;
    }
}
