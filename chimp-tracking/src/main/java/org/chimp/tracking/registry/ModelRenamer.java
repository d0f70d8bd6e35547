package org.chimp.tracking.registry;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.chimp.db.Sql;

/**
 * Moves a registered model and everything under it to a new name. The foreign keys have no ON UPDATE CASCADE, so
 * rows are copied under the new name, then the old ones removed, all in the caller's transaction.
 */
final class ModelRenamer {
    private ModelRenamer() {
    }

    /** Copies the model row first: a taken new name fails there, before anything else was written. */
    static void rename(Connection c, String from, String to, long now) throws SQLException {
        Sql.update(c, "INSERT INTO tracking_registered_models (name, description, last_version, creation_time, last_updated_time) "
                + "SELECT ?, description, last_version, creation_time, ? FROM tracking_registered_models WHERE name = ?", to, now, from);
        Sql.update(c, "INSERT INTO tracking_model_versions (" + RegistryRows.VERSION_COLUMNS + ", status) SELECT ?, "
                + RegistryRows.VERSION_COLUMNS.substring("model_name, ".length()) + ", status FROM tracking_model_versions "
                + "WHERE model_name = ?", to, from);
        for (String table : List.of("tracking_registered_model_tags", "tracking_model_version_tags", "tracking_model_aliases")) {
            List<String> columns = table.equals("tracking_registered_model_tags") ? List.of("name", "val")
                    : table.equals("tracking_model_version_tags") ? List.of("version", "name", "val") : List.of("alias", "version");
            String cols = String.join(", ", columns);
            Sql.update(c, "INSERT INTO " + table + " (model_name, " + cols + ") SELECT ?, " + cols + " FROM " + table
                    + " WHERE model_name = ?", to, from);
        }
        deleteAll(c, from);
    }

    /** Removes a model with its versions, tags and aliases. */
    static void deleteAll(Connection c, String name) throws SQLException {
        for (String table : List.of("tracking_model_version_tags", "tracking_model_aliases", "tracking_registered_model_tags",
                "tracking_model_versions")) {
            Sql.update(c, "DELETE FROM " + table + " WHERE model_name = ?", name);
        }
        Sql.update(c, "DELETE FROM tracking_registered_models WHERE name = ?", name);
    }
}
