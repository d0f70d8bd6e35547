package org.chimp.tracking.registry;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.chimp.db.Sql;

/**
 * Renames and deletes a registered model, in the caller's transaction. Versions, tags and aliases refer to the model
 * by its id, so a rename changes the model's row alone.
 */
final class ModelRenamer {
    private ModelRenamer() {
    }

    /**
     * One UPDATE; a taken new name fails it with a unique violation (SQLState 23505 on H2 and PostgreSQL), which the
     * caller reports as a conflict.
     */
    static void rename(Connection c, String from, String to, long now) throws SQLException {
        Sql.update(c, "UPDATE tracking_registered_models SET name = ?, last_updated_time = ? WHERE name = ?", to, now, from);
    }

    /** Removes a model with its versions, tags and aliases: the rows that refer to another first. */
    static void deleteAll(Connection c, String name) throws SQLException {
        for (String table : List.of("tracking_model_version_tags", "tracking_model_aliases", "tracking_registered_model_tags",
                "tracking_model_versions")) {
            Sql.update(c, "DELETE FROM " + table + " WHERE model_id = " + RegistryRows.MODEL_ID, name);
        }
        Sql.update(c, "DELETE FROM tracking_registered_models WHERE name = ?", name);
    }
}
