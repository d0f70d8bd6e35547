package org.chimp.tracking.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.chimp.api.ModelConfig;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.DataAccessException;
import org.chimp.db.Database;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;
import org.chimp.store.ArtifactStore;
import org.chimp.tracking.ActiveRun;

/** Registered models and their versions, stages and aliases; every change is published to the listeners. */
public final class ModelRegistry {
    /** The run artifact that holds a registered version's model config. */
    public static final String CONFIG_ARTIFACT = "chimp-model.json";
    private static final String VERSION_COLUMNS =
            "model_name, version, stage, run_id, source, config, description, creation_time, last_updated_time";

    private final DataSource ds;
    private final ArtifactStore artifacts;
    private final Listeners listeners = new Listeners();

    public ModelRegistry(DataSource ds, ArtifactStore artifacts) {
        this.ds = ds;
        this.artifacts = artifacts;
        Database.migrate(ds, "tracking");
    }

    /** Calls the listener after every committed change, in this process. */
    public void addListener(Consumer<RegistryEvent> listener) {
        listeners.add(listener);
    }

    /**
     * Stores the artifact files (content-addressed), logs them as run artifacts under {@code model/}, builds the
     * model config from task, architecture, artifact refs and parameters, and creates the next version of the
     * registered model (creating the model if needed), linked to the run.
     *
     * @param artifactFiles artifact name (the key in the config's {@code artifacts}) to file; each file is also
     *                      logged as run artifact {@code model/<file name>}
     */
    public ModelVersion registerModel(ActiveRun run, String name, String task, String architecture,
                                      ObjectNode parameters, Map<String, Path> artifactFiles) {
        checkName(name);
        if (task == null || task.isBlank() || architecture == null || architecture.isBlank()) {
            throw ClientErrorException.invalid("Registering model '" + name + "' needs a task and an architecture");
        }
        checkArtifactFiles(artifactFiles);
        Map<String, String> refs = new LinkedHashMap<>();
        artifactFiles.forEach((artifactName, file) -> {
            refs.put(artifactName, artifacts.put(file));
            run.logArtifact("model/" + file.getFileName(), file);
        });
        ModelConfig config = new ModelConfig(task, architecture, refs, parameters);
        run.logArtifact("model/" + CONFIG_ARTIFACT, config.toJson().toPrettyString().getBytes(StandardCharsets.UTF_8));
        return createVersion(name, run.id(), run.artifactUri() + "/model", config, null);
    }

    /**
     * Creates the next version of a model from a config whose artifacts are already stored, creating the model
     * if needed. Versions are numbered 1, 2, ... per model, also under concurrent registrations.
     */
    public ModelVersion createVersion(String name, String runId, String source, ModelConfig config, String description) {
        checkName(name);
        long now = System.currentTimeMillis();
        ModelVersion created = Jdbc.inTransaction(ds, c -> {
            insertModelIfAbsent(c, name, now);
            // The row lock taken by this update serializes concurrent registrations of the same model.
            Sql.update(c, "UPDATE tracking_registered_models SET last_version = last_version + 1, last_updated_time = ? "
                    + "WHERE name = ?", now, name);
            int version = Sql.first(c, "SELECT last_version FROM tracking_registered_models WHERE name = ?",
                    rs -> rs.getInt(1), name).orElseThrow();
            Sql.update(c, "INSERT INTO tracking_model_versions (" + VERSION_COLUMNS + ", status) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'READY')", name, version, Stage.NONE.mlflowName(), runId,
                    source, config.toJson().toString(), description, now, now);
            return findVersion(c, name, version).orElseThrow();
        });
        listeners.fire(List.of(new RegistryEvent(RegistryEvent.Type.VERSION_CREATED, name, created.version(), created.stage(), null)));
        return created;
    }

    /** Creates a registered model without versions; 409 if the name is taken. */
    public RegisteredModel createModel(String name, String description, Map<String, String> tags) {
        checkName(name);
        long now = System.currentTimeMillis();
        try {
            return Jdbc.inTransaction(ds, c -> {
                Sql.update(c, "INSERT INTO tracking_registered_models (name, description, last_version, creation_time, "
                        + "last_updated_time) VALUES (?, ?, 0, ?, ?)", name, description, now, now);
                for (Map.Entry<String, String> t : tags.entrySet()) {
                    Sql.update(c, "INSERT INTO tracking_registered_model_tags (model_name, name, val) VALUES (?, ?, ?)",
                            name, t.getKey(), t.getValue());
                }
                return findModel(c, name).orElseThrow();
            });
        } catch (DataAccessException e) {
            if (e.isUniqueViolation()) {
                throw ClientErrorException.conflict("Registered Model (name=" + name + ") already exists; pick another name");
            }
            throw e;
        }
    }

    /** One registered model; 404 if there is none of that name. */
    public RegisteredModel model(String name) {
        return Jdbc.withConnection(ds, c -> findModel(c, name)).orElseThrow(() -> noModel(name));
    }

    /** Registered models by name, {@code maxResults} of them after skipping {@code offset}. */
    public List<RegisteredModel> models(int maxResults, int offset) {
        return Jdbc.withConnection(ds, c -> {
            List<String> names = Sql.list(c, "SELECT name FROM tracking_registered_models ORDER BY name LIMIT ? OFFSET ?",
                    rs -> rs.getString(1), maxResults, offset);
            List<RegisteredModel> out = new ArrayList<>(names.size());
            for (String n : names) {
                out.add(findModel(c, n).orElseThrow());
            }
            return out;
        });
    }

    /**
     * Moves a version to a stage; with {@code archiveExisting}, other versions in that stage become Archived
     * (MLflow's semantics: only Staging and Production can archive their previous occupants).
     */
    public ModelVersion transitionStage(String name, int version, Stage stage, boolean archiveExisting) {
        if (archiveExisting && stage != Stage.STAGING && stage != Stage.PRODUCTION) {
            throw ClientErrorException.invalid("Model version transition cannot archive existing model versions because '"
                    + stage.mlflowName() + "' is not an active stage; archive_existing_versions works with Staging and Production");
        }
        long now = System.currentTimeMillis();
        List<RegistryEvent> events = new ArrayList<>();
        ModelVersion moved = Jdbc.inTransaction(ds, c -> {
            lockVersion(c, name, version);
            Sql.update(c, "UPDATE tracking_model_versions SET stage = ?, last_updated_time = ? WHERE model_name = ? AND version = ?",
                    stage.mlflowName(), now, name, version);
            events.add(new RegistryEvent(RegistryEvent.Type.STAGE_CHANGED, name, version, stage, null));
            if (archiveExisting) {
                List<Integer> others = Sql.list(c, "SELECT version FROM tracking_model_versions WHERE model_name = ? AND stage = ? "
                        + "AND version <> ? ORDER BY version FOR UPDATE", rs -> rs.getInt(1), name, stage.mlflowName(), version);
                for (int other : others) {
                    Sql.update(c, "UPDATE tracking_model_versions SET stage = ?, last_updated_time = ? WHERE model_name = ? AND version = ?",
                            Stage.ARCHIVED.mlflowName(), now, name, other);
                    events.add(new RegistryEvent(RegistryEvent.Type.STAGE_CHANGED, name, other, Stage.ARCHIVED, null));
                }
            }
            touchModel(c, name, now);
            return findVersion(c, name, version).orElseThrow();
        });
        listeners.fire(events);
        return moved;
    }

    /** The newest version in a stage, if any (also empty if the model does not exist). */
    public Optional<ModelVersion> latest(String name, Stage stage) {
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT " + VERSION_COLUMNS + " FROM tracking_model_versions "
                + "WHERE model_name = ? AND stage = ? ORDER BY version DESC LIMIT 1", rs -> version(c, rs), name, stage.mlflowName()));
    }

    /** One version; 404 if the model or the version does not exist. */
    public ModelVersion version(String name, int version) {
        return Jdbc.withConnection(ds, c -> findVersion(c, name, version)).orElseThrow(() -> noVersion(name, version));
    }

    /** The versions of one model (all models if {@code name} is null), newest first, paged. */
    public List<ModelVersion> versions(String name, int maxResults, int offset) {
        String where = name == null ? "" : "WHERE model_name = ? ";
        Object[] args = name == null ? new Object[] {maxResults, offset} : new Object[] {name, maxResults, offset};
        return Jdbc.withConnection(ds, c -> Sql.list(c, "SELECT " + VERSION_COLUMNS + " FROM tracking_model_versions " + where
                + "ORDER BY model_name, version DESC LIMIT ? OFFSET ?", rs -> version(c, rs), args));
    }

    /** Points an alias ("champion") at a version, moving it if it pointed elsewhere; 404 if the version does not exist. */
    public void setAlias(String name, String alias, int version) {
        if (alias == null || alias.isBlank() || alias.matches("[vV]\\d+") || alias.equalsIgnoreCase("latest")) {
            throw ClientErrorException.invalid("Invalid alias '" + alias + "': give a non-empty name other than 'latest' and v<number>");
        }
        Jdbc.inTransaction(ds, c -> {
            lockVersion(c, name, version);
            Sql.update(c, "DELETE FROM tracking_model_aliases WHERE model_name = ? AND alias = ?", name, alias);
            Sql.update(c, "INSERT INTO tracking_model_aliases (model_name, alias, version) VALUES (?, ?, ?)", name, alias, version);
            touchModel(c, name, System.currentTimeMillis());
            return null;
        });
        listeners.fire(List.of(new RegistryEvent(RegistryEvent.Type.ALIAS_SET, name, version, null, alias)));
    }

    /** Removes an alias; 404 if the model has no such alias. */
    public void deleteAlias(String name, String alias) {
        int version = byAlias(name, alias).version();
        Jdbc.inTransaction(ds, c -> Sql.update(c, "DELETE FROM tracking_model_aliases WHERE model_name = ? AND alias = ?", name, alias));
        listeners.fire(List.of(new RegistryEvent(RegistryEvent.Type.ALIAS_DELETED, name, version, null, alias)));
    }

    /** The version an alias points at; 404 if the model has no such alias. */
    public ModelVersion byAlias(String name, String alias) {
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT v.* FROM tracking_model_versions v JOIN tracking_model_aliases a "
                        + "ON a.model_name = v.model_name AND a.version = v.version WHERE a.model_name = ? AND a.alias = ?",
                rs -> version(c, rs), name, alias))
                .orElseThrow(() -> ClientErrorException.notFound("Registered model '" + name + "' has no alias '" + alias + "'"));
    }

    /** True if a registered model of that name exists. */
    public boolean exists(String name) {
        return Jdbc.withConnection(ds, c -> findModel(c, name)).isPresent();
    }

    /** Names of all registered models. */
    public List<String> names() {
        return Jdbc.withConnection(ds, c -> Sql.list(c, "SELECT name FROM tracking_registered_models ORDER BY name", rs -> rs.getString(1)));
    }

    // ---- rows

    private static void insertModelIfAbsent(Connection c, String name, long now) throws SQLException {
        // A failed statement would abort a PostgreSQL transaction; the savepoint keeps it usable.
        Savepoint sp = c.setSavepoint();
        try {
            Sql.update(c, "INSERT INTO tracking_registered_models (name, description, last_version, creation_time, "
                    + "last_updated_time) VALUES (?, NULL, 0, ?, ?)", name, now, now);
            c.releaseSavepoint(sp);
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
            c.rollback(sp);
        }
    }

    private static void lockVersion(Connection c, String name, int version) throws SQLException {
        Sql.first(c, "SELECT version FROM tracking_model_versions WHERE model_name = ? AND version = ? FOR UPDATE",
                rs -> rs.getInt(1), name, version).orElseThrow(() -> noVersion(name, version));
    }

    private static void touchModel(Connection c, String name, long now) throws SQLException {
        Sql.update(c, "UPDATE tracking_registered_models SET last_updated_time = ? WHERE name = ?", now, name);
    }

    private static Optional<RegisteredModel> findModel(Connection c, String name) throws SQLException {
        Optional<RegisteredModel> bare = Sql.first(c, "SELECT name, description, creation_time, last_updated_time "
                        + "FROM tracking_registered_models WHERE name = ?",
                rs -> new RegisteredModel(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), Map.of(), Map.of()), name);
        if (bare.isEmpty()) {
            return bare;
        }
        Map<String, String> tags = new TreeMap<>();
        Sql.list(c, "SELECT name, val FROM tracking_registered_model_tags WHERE model_name = ?",
                rs -> tags.put(rs.getString(1), rs.getString(2)), name);
        Map<String, Integer> aliases = new TreeMap<>();
        Sql.list(c, "SELECT alias, version FROM tracking_model_aliases WHERE model_name = ?",
                rs -> aliases.put(rs.getString(1), rs.getInt(2)), name);
        RegisteredModel m = bare.get();
        return Optional.of(new RegisteredModel(m.name(), m.description(), m.creationTimestamp(), m.lastUpdatedTimestamp(), tags, aliases));
    }

    private static Optional<ModelVersion> findVersion(Connection c, String name, int version) throws SQLException {
        return Sql.first(c, "SELECT " + VERSION_COLUMNS + " FROM tracking_model_versions WHERE model_name = ? AND version = ?",
                rs -> version(c, rs), name, version);
    }

    private static ModelVersion version(Connection c, ResultSet rs) throws SQLException {
        String name = rs.getString("model_name");
        int version = rs.getInt("version");
        Map<String, String> tags = new TreeMap<>();
        Sql.list(c, "SELECT name, val FROM tracking_model_version_tags WHERE model_name = ? AND version = ?",
                t -> tags.put(t.getString(1), t.getString(2)), name, version);
        return new ModelVersion(name, version, Stage.parse(rs.getString("stage")), rs.getString("run_id"),
                rs.getString("source"), ModelConfig.parse(rs.getString("config")), rs.getString("description"),
                rs.getLong("creation_time"), rs.getLong("last_updated_time"), Map.copyOf(tags));
    }

    private static void checkName(String name) {
        if (name == null || name.isBlank() || name.length() > 256 || !name.equals(name.strip())) {
            throw ClientErrorException.invalid("Invalid registered model name '" + name
                    + "': give a non-empty name of at most 256 characters without leading or trailing spaces");
        }
    }

    private static void checkArtifactFiles(Map<String, Path> files) {
        Set<String> fileNames = new HashSet<>(Set.of(CONFIG_ARTIFACT));
        Map<String, String> firstUse = new HashMap<>();
        for (Map.Entry<String, Path> e : files.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank()) {
                throw ClientErrorException.invalid("Every model artifact needs a non-empty name (the key in 'artifacts')");
            }
            Path file = e.getValue();
            if (file == null || !Files.isRegularFile(file)) {
                throw ClientErrorException.invalid("Model artifact '" + e.getKey() + "' is not a readable file: " + file);
            }
            String fileName = file.getFileName().toString();
            if (!fileNames.add(fileName)) {
                throw ClientErrorException.invalid("Model artifacts '" + e.getKey() + "' and '" + firstUse.getOrDefault(fileName, "config")
                        + "' have the same file name '" + fileName + "'; both would be logged as model/" + fileName + ", rename one");
            }
            firstUse.put(fileName, e.getKey());
        }
    }

    private static ClientErrorException noModel(String name) {
        return ClientErrorException.notFound("Registered Model with name=" + name + " not found");
    }

    private static ClientErrorException noVersion(String name, int version) {
        return ClientErrorException.notFound("Model Version (name=" + name + ", version=" + version + ") not found");
    }
}
