package org.chimp.tracking.registry;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.chimp.api.ModelConfig;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.Sql;

/**
 * Reading and locking registry rows, inside the caller's connection or transaction. Versions, tags and aliases refer
 * to their model by its id ({@code model_id}); callers name models, and {@link #MODEL_ID} turns the name into the id.
 */
final class RegistryRows {
    /** A model's id, from a bound name: a subquery on the unique name, so one placeholder stands for the model. */
    static final String MODEL_ID = "(SELECT id FROM tracking_registered_models WHERE name = ?)";
    /** Versions with their model's name (as model_name) and id, as {@link #version} reads them; add WHERE, ORDER BY. */
    static final String SELECT_VERSIONS = "SELECT m.name AS model_name, v.model_id, v.version, v.stage, v.run_id, v.source, "
            + "v.config, v.description, v.creation_time, v.last_updated_time "
            + "FROM tracking_model_versions v JOIN tracking_registered_models m ON m.id = v.model_id";

    private RegistryRows() {
    }

    static Optional<RegisteredModel> findModel(Connection c, String name) throws SQLException {
        Optional<RegisteredModel> bare = Sql.first(c, "SELECT name, description, creation_time, last_updated_time "
                        + "FROM tracking_registered_models WHERE name = ?",
                rs -> new RegisteredModel(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), Map.of(), Map.of()), name);
        if (bare.isEmpty()) {
            return bare;
        }
        Map<String, String> tags = new TreeMap<>();
        Sql.list(c, "SELECT name, val FROM tracking_registered_model_tags WHERE model_id = " + MODEL_ID,
                rs -> tags.put(rs.getString(1), rs.getString(2)), name);
        Map<String, Integer> aliases = new TreeMap<>();
        Sql.list(c, "SELECT alias, version FROM tracking_model_aliases WHERE model_id = " + MODEL_ID,
                rs -> aliases.put(rs.getString(1), rs.getInt(2)), name);
        RegisteredModel m = bare.get();
        return Optional.of(new RegisteredModel(m.name(), m.description(), m.creationTimestamp(), m.lastUpdatedTimestamp(), tags, aliases));
    }

    static RegisteredModel model(Connection c, String name) throws SQLException {
        return findModel(c, name).orElseThrow(() -> noModel(name));
    }

    static Optional<ModelVersion> findVersion(Connection c, String name, int version) throws SQLException {
        return Sql.first(c, SELECT_VERSIONS + " WHERE m.name = ? AND v.version = ?", rs -> version(c, rs), name, version);
    }

    /** The version in the current row of a {@link #SELECT_VERSIONS} query, with its tags. */
    static ModelVersion version(Connection c, ResultSet rs) throws SQLException {
        String name = rs.getString("model_name");
        int version = rs.getInt("version");
        Map<String, String> tags = new TreeMap<>();
        Sql.list(c, "SELECT name, val FROM tracking_model_version_tags WHERE model_id = ? AND version = ?",
                t -> tags.put(t.getString(1), t.getString(2)), rs.getLong("model_id"), version);
        String config = rs.getString("config");
        return new ModelVersion(name, version, Stage.parse(rs.getString("stage")), rs.getString("run_id"),
                rs.getString("source"), config == null ? null : ModelConfig.parse(config), rs.getString("description"),
                rs.getLong("creation_time"), rs.getLong("last_updated_time"), Map.copyOf(tags));
    }

    static void lockModel(Connection c, String name) throws SQLException {
        Sql.first(c, "SELECT name FROM tracking_registered_models WHERE name = ? FOR UPDATE", rs -> rs.getString(1), name)
                .orElseThrow(() -> noModel(name));
    }

    static void lockVersion(Connection c, String name, int version) throws SQLException {
        Sql.first(c, "SELECT version FROM tracking_model_versions WHERE model_id = " + MODEL_ID + " AND version = ? FOR UPDATE",
                rs -> rs.getInt(1), name, version).orElseThrow(() -> noVersion(name, version));
    }

    static void touchModel(Connection c, String name, long now) throws SQLException {
        Sql.update(c, "UPDATE tracking_registered_models SET last_updated_time = ? WHERE name = ?", now, name);
    }

    static ClientErrorException noModel(String name) {
        return ClientErrorException.notFound("Registered Model with name=" + name + " not found");
    }

    static ClientErrorException noVersion(String name, int version) {
        return ClientErrorException.notFound("Model Version (name=" + name + ", version=" + version + ") not found");
    }
}
