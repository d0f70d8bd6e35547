package org.chimp.tracking;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.chimp.api.Names;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.DataAccessException;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;
import org.chimp.tracking.search.Entity;
import org.chimp.tracking.search.SearchParser;
import org.chimp.tracking.search.SearchSchema;
import org.chimp.tracking.search.SearchSchema.Column;
import org.chimp.tracking.search.SqlFragment;
import org.chimp.tracking.search.SqlSearch;

/** The experiments table: creation, lookups, search, renaming, tags and soft deletion (with the experiment's runs). */
final class Experiments {
    private static final SearchSchema SCHEMA = new SearchSchema("experiments", Map.of(
            "name", Column.text("e.name"),
            "experiment_id", Column.number("e.experiment_id"),
            "creation_time", Column.number("e.creation_time"),
            "last_update_time", Column.number("e.last_update_time")),
            Map.of(Entity.TAG, "FROM tracking_experiment_tags x WHERE x.experiment_id = e.experiment_id"));

    private final DataSource ds;

    Experiments(DataSource ds) {
        this.ds = ds;
    }

    String create(String name, String artifactLocation, Map<String, String> tags) {
        Names.experimentName(name);
        tags.forEach((k, v) -> Checks.value("tag", Checks.key("tag", k), v, Checks.MAX_TAG_VALUE_LENGTH));
        long now = System.currentTimeMillis();
        try {
            return Jdbc.inTransaction(ds, c -> {
                long id = Sql.first(c, "SELECT nextval('tracking_experiment_ids')", rs -> rs.getLong(1)).orElseThrow();
                String location = artifactLocation == null || artifactLocation.isBlank() ? "mlflow-artifacts:/" + id : artifactLocation;
                Sql.update(c, "INSERT INTO tracking_experiments (experiment_id, name, artifact_location, lifecycle_stage, "
                        + "creation_time, last_update_time) VALUES (?, ?, ?, ?, ?, ?)", id, name, location, TrackingStore.ACTIVE, now, now);
                for (Map.Entry<String, String> t : tags.entrySet()) {
                    Sql.update(c, "INSERT INTO tracking_experiment_tags (experiment_id, name, val) VALUES (?, ?, ?)",
                            id, t.getKey(), t.getValue());
                }
                return Long.toString(id);
            });
        } catch (DataAccessException e) {
            throw e.isUniqueViolation() ? nameTaken(name) : e;
        }
    }

    Experiment get(String experimentId) {
        long id = id(experimentId);
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT * FROM tracking_experiments WHERE experiment_id = ?",
                        rs -> experiment(c, rs), id))
                .orElseThrow(() -> notFound(experimentId));
    }

    Optional<Experiment> findByName(String name) {
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT * FROM tracking_experiments WHERE name = ?",
                rs -> experiment(c, rs), name));
    }

    List<Experiment> search(String filter, List<String> orderBy, ViewType view, int maxResults, int offset) {
        SqlFragment where = SqlSearch.where(SCHEMA, SearchParser.filter(filter));
        SqlFragment order = SqlSearch.orderBy(SCHEMA, SearchParser.orderBy(orderBy));
        List<Object> args = new ArrayList<>(view.stages());
        args.addAll(where.args());
        args.addAll(order.args());
        args.add(maxResults);
        args.add(offset);
        String sql = "SELECT e.* FROM tracking_experiments e WHERE e.lifecycle_stage IN (" + SqlFragment.placeholders(view.stages().size())
                + ") AND " + where.sql() + " ORDER BY " + (order.sql().isEmpty() ? "" : order.sql() + ", ")
                + "e.creation_time DESC, e.experiment_id DESC LIMIT ? OFFSET ?";
        return Jdbc.withConnection(ds, c -> Sql.list(c, sql, rs -> experiment(c, rs), args.toArray()));
    }

    void rename(String experimentId, String newName) {
        if (newName == null || newName.isBlank()) {
            throw ClientErrorException.invalid("An experiment needs a non-empty name; give 'new_name'");
        }
        Names.experimentName(newName);
        try {
            Jdbc.inTransaction(ds, c -> {
                requireActive(c, experimentId, "renamed");
                return Sql.update(c, "UPDATE tracking_experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?",
                        newName, System.currentTimeMillis(), id(experimentId));
            });
        } catch (DataAccessException e) {
            throw e.isUniqueViolation() ? nameTaken(newName) : e;
        }
    }

    void setTag(String experimentId, String key, String value) {
        Checks.value("tag", Checks.key("tag", key), value, Checks.MAX_TAG_VALUE_LENGTH);
        Jdbc.inTransaction(ds, c -> {
            requireActive(c, experimentId, "tagged");
            long id = id(experimentId);
            if (Sql.update(c, "UPDATE tracking_experiment_tags SET val = ? WHERE experiment_id = ? AND name = ?", value, id, key) == 0) {
                Sql.update(c, "INSERT INTO tracking_experiment_tags (experiment_id, name, val) VALUES (?, ?, ?)", id, key, value);
            }
            return Sql.update(c, "UPDATE tracking_experiments SET last_update_time = ? WHERE experiment_id = ?",
                    System.currentTimeMillis(), id);
        });
    }

    /** Moves the experiment and its runs to {@code stage} (MLflow's soft delete and restore). */
    void setLifecycle(String experimentId, String stage) {
        if (TrackingStore.DEFAULT_EXPERIMENT_ID.equals(experimentId) && TrackingStore.DELETED.equals(stage)) {
            throw ClientErrorException.invalid("The Default experiment (id 0) cannot be deleted; runs without an experiment go there");
        }
        long id = id(experimentId);
        Jdbc.inTransaction(ds, c -> {
            Sql.first(c, "SELECT experiment_id FROM tracking_experiments WHERE experiment_id = ? FOR UPDATE", rs -> rs.getLong(1), id)
                    .orElseThrow(() -> notFound(experimentId));
            Sql.update(c, "UPDATE tracking_experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?",
                    stage, System.currentTimeMillis(), id);
            return Sql.update(c, "UPDATE tracking_runs SET lifecycle_stage = ? WHERE experiment_id = ?", stage, id);
        });
    }

    private void requireActive(Connection c, String experimentId, String what) throws SQLException {
        String stage = Sql.first(c, "SELECT lifecycle_stage FROM tracking_experiments WHERE experiment_id = ? FOR UPDATE",
                rs -> rs.getString(1), id(experimentId)).orElseThrow(() -> notFound(experimentId));
        if (!TrackingStore.ACTIVE.equals(stage)) {
            throw ClientErrorException.invalid("Experiment " + experimentId + " is deleted and cannot be " + what + "; restore it first");
        }
    }

    private static Experiment experiment(Connection c, ResultSet rs) throws SQLException {
        long id = rs.getLong("experiment_id");
        Map<String, String> tags = new TreeMap<>();
        Sql.list(c, "SELECT name, val FROM tracking_experiment_tags WHERE experiment_id = ?",
                t -> tags.put(t.getString(1), t.getString(2)), id);
        return new Experiment(Long.toString(id), rs.getString("name"), rs.getString("artifact_location"),
                rs.getString("lifecycle_stage"), rs.getLong("creation_time"), rs.getLong("last_update_time"), tags);
    }

    static long id(String experimentId) {
        try {
            return Long.parseLong(experimentId == null ? "" : experimentId.trim());
        } catch (NumberFormatException e) {
            throw notFound(experimentId);
        }
    }

    static ClientErrorException notFound(String experimentId) {
        return ClientErrorException.notFound("No experiment with id '" + experimentId + "'; experiment ids are numbers, "
                + "'0' is the Default experiment");
    }

    private static ClientErrorException nameTaken(String name) {
        return ClientErrorException.conflict("Experiment '" + name + "' already exists (possibly deleted); pick another name, "
                + "or restore and use it");
    }
}
