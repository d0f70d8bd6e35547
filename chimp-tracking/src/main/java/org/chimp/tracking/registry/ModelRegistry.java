package org.chimp.tracking.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
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
import org.chimp.api.Names;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.DataAccessException;
import org.chimp.db.Database;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;
import org.chimp.store.ArtifactStore;
import org.chimp.tracking.ActiveRun;
import org.chimp.tracking.search.SqlFragment;

/** Registered models and their versions, stages and aliases; every change is published to the listeners. */
public final class ModelRegistry {
    /** The run artifact that holds a registered version's model config. */
    public static final String CONFIG_ARTIFACT = "chimp-model.json";
    /**
     * Version tag holding the key a version was registered under (a training task's id): registering again with
     * the same key (a retried task) returns that version instead of creating another.
     */
    public static final String REGISTRATION_KEY_TAG = "chimp.registration_key";
    /** Version tag: when (epoch millis) the version last entered Production; rollback goes back along these. */
    public static final String PROMOTED_AT_TAG = "chimp.production.promoted_at";
    /** Version tag: when (epoch millis) a rollback took the version out of Production; it is not rolled back to. */
    public static final String ROLLED_BACK_AT_TAG = "chimp.production.rolled_back_at";
    private static final String MODEL_ID = RegistryRows.MODEL_ID;
    private static final String SELECT_VERSIONS = RegistryRows.SELECT_VERSIONS;

    private final DataSource ds;
    private final ArtifactStore artifacts;
    private final Listeners listeners = new Listeners();

    public ModelRegistry(DataSource ds, ArtifactStore artifacts) {
        this.ds = ds;
        this.artifacts = artifacts;
        Database.migrate(ds, "tracking");
    }

    /** Where registered versions' artifacts are kept, to read a version's files (verified against their hashes). */
    public org.chimp.api.ArtifactResolver artifacts() {
        return artifacts;
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
        return registerModel(run, name, task, architecture, parameters, artifactFiles, Map.of(), null);
    }

    /**
     * {@link #registerModel(ActiveRun, String, String, String, ObjectNode, Map)} with version tags, keyed: when a
     * version of {@code name} was already registered under {@code registrationKey} (a retried training task), that
     * version is returned and nothing new is created.
     *
     * @param registrationKey null for none; else kept as tag {@value #REGISTRATION_KEY_TAG}
     */
    public ModelVersion registerModel(ActiveRun run, String name, String task, String architecture, ObjectNode parameters,
                                      Map<String, Path> artifactFiles, Map<String, String> tags, String registrationKey) {
        checkName(name);
        if (registrationKey != null) {
            Optional<ModelVersion> earlier = registeredUnder(name, registrationKey);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
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
        return createVersion(name, run.id(), run.artifactUri() + "/model", config, null, tags, registrationKey);
    }

    /** The version of {@code name} registered under a key, if any. */
    public Optional<ModelVersion> registeredUnder(String name, String registrationKey) {
        return Jdbc.withConnection(ds, c -> registeredUnder(c, name, registrationKey));
    }

    private static Optional<ModelVersion> registeredUnder(Connection c, String name, String key) throws SQLException {
        Optional<Integer> v = Sql.first(c, "SELECT version FROM tracking_model_version_tags WHERE model_id = " + MODEL_ID
                + " AND name = ? AND val = ? ORDER BY version LIMIT 1", rs -> rs.getInt(1), name, REGISTRATION_KEY_TAG, key);
        return v.isEmpty() ? Optional.empty() : RegistryRows.findVersion(c, name, v.get());
    }

    /**
     * Creates the next version of a model from a config whose artifacts are already stored, creating the model
     * if needed. Versions are numbered 1, 2, ... per model, also under concurrent registrations.
     */
    public ModelVersion createVersion(String name, String runId, String source, ModelConfig config, String description) {
        return createVersion(name, runId, source, config, description, Map.of());
    }

    /**
     * Creates the next version of a model, with tags. {@code config} may be null for a version registered
     * through MLflow's API from outside CHIMP: it is listed and staged like any other, but cannot be served.
     */
    public ModelVersion createVersion(String name, String runId, String source, ModelConfig config, String description,
                                      Map<String, String> tags) {
        return createVersion(name, runId, source, config, description, tags, null);
    }

    private ModelVersion createVersion(String name, String runId, String source, ModelConfig config, String description,
                                       Map<String, String> tags, String registrationKey) {
        checkName(name);
        if (registrationKey != null) {
            RegistryTags.check(REGISTRATION_KEY_TAG, registrationKey);
        }
        if (source == null || source.isBlank()) {
            throw ClientErrorException.invalid("A model version needs a non-empty 'source', the URI of the model's artifacts");
        }
        tags.forEach(RegistryTags::check);
        long now = System.currentTimeMillis();
        boolean[] isNew = {true};
        ModelVersion created = Jdbc.inTransaction(ds, c -> {
            insertModelIfAbsent(c, name, now);
            if (registrationKey != null) {
                // Under the model's row lock, so two attempts of one task cannot both create a version.
                RegistryRows.lockModel(c, name);
                Optional<ModelVersion> earlier = registeredUnder(c, name, registrationKey);
                if (earlier.isPresent()) {
                    isNew[0] = false;
                    return earlier.get();
                }
            }
            // The row lock taken by this update serializes concurrent registrations of the same model.
            Sql.update(c, "UPDATE tracking_registered_models SET last_version = last_version + 1, last_updated_time = ? "
                    + "WHERE name = ?", now, name);
            int version = Sql.first(c, "SELECT last_version FROM tracking_registered_models WHERE name = ?",
                    rs -> rs.getInt(1), name).orElseThrow();
            Sql.update(c, "INSERT INTO tracking_model_versions (model_id, version, stage, run_id, source, config, description, "
                            + "creation_time, last_updated_time, status) VALUES (" + MODEL_ID + ", ?, ?, ?, ?, ?, ?, ?, ?, 'READY')",
                    name, version, Stage.NONE.mlflowName(), runId,
                    source, config == null ? null : config.toJson().toString(), description, now, now);
            for (Map.Entry<String, String> t : tags.entrySet()) {
                RegistryTags.VERSION.set(c, List.of(name, version), t.getKey(), t.getValue());
            }
            if (registrationKey != null) {
                RegistryTags.VERSION.set(c, List.of(name, version), REGISTRATION_KEY_TAG, registrationKey);
            }
            return RegistryRows.findVersion(c, name, version).orElseThrow();
        });
        if (!isNew[0]) {
            return created;
        }
        listeners.fire(List.of(new RegistryEvent(RegistryEvent.Type.VERSION_CREATED, name, created.version(), created.stage(), null)));
        return created;
    }

    /** Creates a registered model without versions; 409 if the name is taken. */
    public RegisteredModel createModel(String name, String description, Map<String, String> tags) {
        checkName(name);
        tags.forEach(RegistryTags::check);
        long now = System.currentTimeMillis();
        try {
            return Jdbc.inTransaction(ds, c -> {
                Sql.update(c, "INSERT INTO tracking_registered_models (name, description, last_version, creation_time, "
                        + "last_updated_time) VALUES (?, ?, 0, ?, ?)", name, description, now, now);
                for (Map.Entry<String, String> t : tags.entrySet()) {
                    Sql.update(c, "INSERT INTO tracking_registered_model_tags (model_id, name, val) VALUES (" + MODEL_ID + ", ?, ?)",
                            name, t.getKey(), t.getValue());
                }
                return RegistryRows.findModel(c, name).orElseThrow();
            });
        } catch (DataAccessException e) {
            if (e.isUniqueViolation()) {
                throw taken(name);
            }
            throw e;
        }
    }

    /** One registered model; 404 if there is none of that name. */
    public RegisteredModel model(String name) {
        return Jdbc.withConnection(ds, c -> RegistryRows.findModel(c, name)).orElseThrow(() -> RegistryRows.noModel(name));
    }

    /** Registered models by name, {@code maxResults} of them after skipping {@code offset}. */
    public List<RegisteredModel> models(int maxResults, int offset) {
        return searchModels(null, List.of(), maxResults, offset);
    }

    /**
     * Registered models matching an MLflow filter ({@code name LIKE 'face%' AND tags.team = 'vision'}), in order_by's
     * order ({@code last_updated_timestamp DESC}), then by name; a 400 for a malformed filter or order.
     */
    public List<RegisteredModel> searchModels(String filter, List<String> orderBy, int maxResults, int offset) {
        SqlFragment query = RegistrySearch.models(filter, orderBy, maxResults, offset);
        return Jdbc.withConnection(ds, c -> {
            List<String> names = Sql.list(c, query.sql(), rs -> rs.getString(1), query.args().toArray());
            List<RegisteredModel> out = new ArrayList<>(names.size());
            for (String n : names) {
                out.add(RegistryRows.findModel(c, n).orElseThrow());
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
            RegistryRows.lockVersion(c, name, version);
            moveTo(c, name, version, stage, now, events);
            if (stage == Stage.PRODUCTION) {
                RegistryTags.VERSION.set(c, List.of(name, version), PROMOTED_AT_TAG, Long.toString(now));
                RegistryTags.VERSION.delete(c, List.of(name, version), ROLLED_BACK_AT_TAG);
            }
            if (archiveExisting) {
                List<Integer> others = Sql.list(c, "SELECT version FROM tracking_model_versions WHERE model_id = " + MODEL_ID
                        + " AND stage = ? AND version <> ? ORDER BY version FOR UPDATE", rs -> rs.getInt(1), name, stage.mlflowName(), version);
                for (int other : others) {
                    moveTo(c, name, other, Stage.ARCHIVED, now, events);
                }
            }
            RegistryRows.touchModel(c, name, now);
            return RegistryRows.findVersion(c, name, version).orElseThrow();
        });
        listeners.fire(events);
        return moved;
    }

    /**
     * Puts the previous Production version back in Production and archives every version in Production now: the
     * one served and any older ones still there. The previous version is the one that entered Production last
     * before the served one did ({@value #PROMOTED_AT_TAG}), skipping versions an earlier rollback took out
     * ({@value #ROLLED_BACK_AT_TAG}), so rolling back twice goes back two promotions. 404 if the model does not
     * exist; 409 if it has no Production version or none was in Production before it. Serving switches through
     * the same events as a promotion.
     */
    public Rollback rollback(String name) {
        checkName(name);
        long now = System.currentTimeMillis();
        List<RegistryEvent> events = new ArrayList<>();
        Rollback done = Jdbc.inTransaction(ds, c -> {
            RegistryRows.lockModel(c, name);
            List<ModelVersion> inProduction = Sql.list(c, SELECT_VERSIONS
                    + " WHERE m.name = ? AND v.stage = ? ORDER BY v.version DESC FOR UPDATE", rs -> RegistryRows.version(c, rs),
                    name, Stage.PRODUCTION.mlflowName());
            if (inProduction.isEmpty()) {
                throw ClientErrorException.conflict("Model '" + name + "' has no version in Production, so there is nothing to roll back");
            }
            ModelVersion current = inProduction.get(0);
            long currentSince = promotedAt(current).orElse(Long.MAX_VALUE);
            Map<Integer, Long> promoted = new TreeMap<>();
            Set<Integer> rolledBack = new HashSet<>();
            Sql.list(c, "SELECT version, name, val FROM tracking_model_version_tags WHERE model_id = " + MODEL_ID
                    + " AND name IN (?, ?)", rs -> {
                int v = rs.getInt(1);
                if (PROMOTED_AT_TAG.equals(rs.getString(2))) {
                    parseMillis(rs.getString(3)).ifPresent(t -> promoted.put(v, t));
                } else {
                    rolledBack.add(v);
                }
                return null;
            }, name, PROMOTED_AT_TAG, ROLLED_BACK_AT_TAG);
            Optional<Integer> previous = promoted.entrySet().stream()
                    .filter(e -> e.getKey() != current.version() && !rolledBack.contains(e.getKey()) && e.getValue() <= currentSince)
                    .max(Map.Entry.<Integer, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                    .map(Map.Entry::getKey);
            if (previous.isEmpty()) {
                throw ClientErrorException.conflict("Model '" + name + "' version " + current.version()
                        + " is the first version it had in Production; there is no earlier Production version to roll back to");
            }
            int back = previous.get();
            RegistryRows.lockVersion(c, name, back);
            List<Integer> archived = new ArrayList<>();
            for (ModelVersion v : inProduction) {
                if (v.version() != back) {
                    moveTo(c, name, v.version(), Stage.ARCHIVED, now, events);
                    archived.add(v.version());
                }
            }
            RegistryTags.VERSION.set(c, List.of(name, current.version()), ROLLED_BACK_AT_TAG, Long.toString(now));
            // The restored version keeps its promotion time, so a second rollback goes further back, not forth.
            moveTo(c, name, back, Stage.PRODUCTION, now, events);
            RegistryRows.touchModel(c, name, now);
            return new Rollback(RegistryRows.findVersion(c, name, back).orElseThrow(), List.copyOf(archived));
        });
        listeners.fire(events);
        return done;
    }

    /**
     * What a rollback did.
     *
     * @param restored the version now in Production
     * @param archived the versions taken out of Production, newest first
     */
    public record Rollback(ModelVersion restored, List<Integer> archived) {
    }

    private static void moveTo(Connection c, String name, int version, Stage stage, long now, List<RegistryEvent> events)
            throws SQLException {
        Sql.update(c, "UPDATE tracking_model_versions SET stage = ?, last_updated_time = ? WHERE model_id = " + MODEL_ID
                + " AND version = ?",
                stage.mlflowName(), now, name, version);
        events.add(new RegistryEvent(RegistryEvent.Type.STAGE_CHANGED, name, version, stage, null));
    }

    private static Optional<Long> promotedAt(ModelVersion v) {
        return parseMillis(v.tags().get(PROMOTED_AT_TAG));
    }

    private static Optional<Long> parseMillis(String text) {
        try {
            return text == null ? Optional.empty() : Optional.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return Optional.empty(); // someone set the tag by hand
        }
    }

    /** The newest version in a stage, if any (also empty if the model does not exist). */
    public Optional<ModelVersion> latest(String name, Stage stage) {
        return Jdbc.withConnection(ds, c -> Sql.first(c, SELECT_VERSIONS
                + " WHERE m.name = ? AND v.stage = ? ORDER BY v.version DESC LIMIT 1", rs -> RegistryRows.version(c, rs), name, stage.mlflowName()));
    }

    /** The newest version of a model carrying a tag with this value (a user's personal version), if any. */
    public Optional<ModelVersion> newestTagged(String name, String key, String value) {
        return Jdbc.withConnection(ds, c -> {
            Optional<Integer> v = Sql.first(c, "SELECT version FROM tracking_model_version_tags WHERE model_id = " + MODEL_ID
                    + " AND name = ? AND val = ? ORDER BY version DESC LIMIT 1", rs -> rs.getInt(1), name, key, value);
            return v.isEmpty() ? Optional.empty() : RegistryRows.findVersion(c, name, v.get());
        });
    }

    /** One version; 404 if the model or the version does not exist. */
    public ModelVersion version(String name, int version) {
        return Jdbc.withConnection(ds, c -> RegistryRows.findVersion(c, name, version)).orElseThrow(() -> RegistryRows.noVersion(name, version));
    }

    /** The versions of one model (all models if {@code name} is null), newest first, paged. */
    public List<ModelVersion> versions(String name, int maxResults, int offset) {
        return Jdbc.withConnection(ds, c -> Sql.list(c, SELECT_VERSIONS
                + " WHERE (CAST(? AS VARCHAR) IS NULL OR m.name = ?) ORDER BY m.name, v.version DESC LIMIT ? OFFSET ?",
                rs -> RegistryRows.version(c, rs), name, name, maxResults, offset));
    }

    /**
     * Versions matching an MLflow filter ({@code name = 'faces' AND run_id IN ('a', 'b')}; attributes name, run_id,
     * source_path, version_number, current_stage; tags), in order_by's order, then by name and newest first.
     */
    public List<ModelVersion> searchVersions(String filter, List<String> orderBy, int maxResults, int offset) {
        SqlFragment query = RegistrySearch.versions(filter, orderBy, maxResults, offset);
        return Jdbc.withConnection(ds, c -> Sql.list(c, query.sql(), rs -> RegistryRows.version(c, rs), query.args().toArray()));
    }

    /** Points an alias ("champion") at a version, moving it if it pointed elsewhere; 404 if the version does not exist. */
    public void setAlias(String name, String alias, int version) {
        if (alias == null || alias.isBlank() || alias.matches("[vV]\\d+") || alias.equalsIgnoreCase("latest")) {
            throw ClientErrorException.invalid("Invalid alias '" + alias + "': give a non-empty name other than 'latest' and v<number>");
        }
        Jdbc.inTransaction(ds, c -> {
            RegistryRows.lockVersion(c, name, version);
            Sql.update(c, "DELETE FROM tracking_model_aliases WHERE model_id = " + MODEL_ID + " AND alias = ?", name, alias);
            Sql.update(c, "INSERT INTO tracking_model_aliases (model_id, alias, version) VALUES (" + MODEL_ID + ", ?, ?)",
                    name, alias, version);
            RegistryRows.touchModel(c, name, System.currentTimeMillis());
            return null;
        });
        listeners.fire(List.of(new RegistryEvent(RegistryEvent.Type.ALIAS_SET, name, version, null, alias)));
    }

    /** Removes an alias; 404 if the model has no such alias. */
    public void deleteAlias(String name, String alias) {
        int version = byAlias(name, alias).version();
        Jdbc.inTransaction(ds, c -> Sql.update(c, "DELETE FROM tracking_model_aliases WHERE model_id = " + MODEL_ID + " AND alias = ?",
                name, alias));
        listeners.fire(List.of(new RegistryEvent(RegistryEvent.Type.ALIAS_DELETED, name, version, null, alias)));
    }

    /** The version an alias points at; 404 if the model has no such alias. */
    public ModelVersion byAlias(String name, String alias) {
        return Jdbc.withConnection(ds, c -> Sql.first(c, SELECT_VERSIONS + " JOIN tracking_model_aliases a "
                        + "ON a.model_id = v.model_id AND a.version = v.version WHERE m.name = ? AND a.alias = ?",
                rs -> RegistryRows.version(c, rs), name, alias))
                .orElseThrow(() -> ClientErrorException.notFound("Registered model '" + name + "' has no alias '" + alias + "'"));
    }

    /**
     * Renames a model with all its versions, tags and aliases; 404 if it does not exist, 409 if the new name is
     * taken. Serving sees the old name disappear and the new one appear.
     */
    public RegisteredModel renameModel(String name, String newName) {
        checkName(newName);
        List<RegistryEvent> events = new ArrayList<>();
        try {
            RegisteredModel renamed = Jdbc.inTransaction(ds, c -> {
                RegistryRows.lockModel(c, name);
                if (name.equals(newName)) {
                    // Its own name is taken too (a 409, as for any taken name); the UPDATE alone would accept it.
                    throw taken(newName);
                }
                ModelRenamer.rename(c, name, newName, System.currentTimeMillis());
                for (ModelVersion v : Sql.list(c, SELECT_VERSIONS + " WHERE m.name = ? "
                        + "AND v.stage <> ?", rs -> RegistryRows.version(c, rs), newName, Stage.NONE.mlflowName())) {
                    events.add(new RegistryEvent(RegistryEvent.Type.STAGE_CHANGED, newName, v.version(), v.stage(), null));
                }
                RegisteredModel m = RegistryRows.model(c, newName);
                m.aliases().forEach((alias, v) -> events.add(new RegistryEvent(RegistryEvent.Type.ALIAS_SET, newName, v, null, alias)));
                return m;
            });
            events.add(0, new RegistryEvent(RegistryEvent.Type.MODEL_DELETED, name, 0, null, null));
            listeners.fire(events);
            return renamed;
        } catch (DataAccessException e) {
            if (e.isUniqueViolation()) {
                throw taken(newName);
            }
            throw e;
        }
    }

    private static ClientErrorException taken(String name) {
        return ClientErrorException.conflict("Registered Model (name=" + name + ") already exists; pick another name");
    }

    /** Sets a model's description (null or empty clears it); 404 if it does not exist. */
    public RegisteredModel updateModel(String name, String description) {
        return Jdbc.inTransaction(ds, c -> {
            RegistryRows.lockModel(c, name);
            Sql.update(c, "UPDATE tracking_registered_models SET description = ?, last_updated_time = ? WHERE name = ?",
                    description, System.currentTimeMillis(), name);
            return RegistryRows.model(c, name);
        });
    }

    /** Deletes a model with all its versions, tags and aliases (MLflow deletes for good); 404 if it does not exist. */
    public void deleteModel(String name) {
        Jdbc.inTransaction(ds, c -> {
            RegistryRows.lockModel(c, name);
            ModelRenamer.deleteAll(c, name);
            return null;
        });
        listeners.fire(List.of(new RegistryEvent(RegistryEvent.Type.MODEL_DELETED, name, 0, null, null)));
    }

    /** Sets (or replaces) a tag of a model. */
    public void setModelTag(String name, String key, String value) {
        RegistryTags.check(key, value);
        Jdbc.inTransaction(ds, c -> {
            RegistryRows.lockModel(c, name);
            RegistryTags.MODEL.set(c, List.of(name), key, value);
            RegistryRows.touchModel(c, name, System.currentTimeMillis());
            return null;
        });
    }

    /** Removes a tag of a model; 404 if the model or the tag does not exist. */
    public void deleteModelTag(String name, String key) {
        Jdbc.inTransaction(ds, c -> {
            RegistryRows.lockModel(c, name);
            if (!RegistryTags.MODEL.delete(c, List.of(name), key)) {
                throw ClientErrorException.notFound("Registered model '" + name + "' has no tag '" + key + "'");
            }
            return null;
        });
    }

    /** Sets a version's description; 404 if it does not exist. */
    public ModelVersion updateVersion(String name, int version, String description) {
        return Jdbc.inTransaction(ds, c -> {
            RegistryRows.lockVersion(c, name, version);
            long now = System.currentTimeMillis();
            Sql.update(c, "UPDATE tracking_model_versions SET description = ?, last_updated_time = ? WHERE model_id = " + MODEL_ID
                    + " AND version = ?",
                    description, now, name, version);
            RegistryRows.touchModel(c, name, now);
            return RegistryRows.findVersion(c, name, version).orElseThrow();
        });
    }

    /**
     * Deletes a version for good, with its tags and the aliases pointing at it; its number is never reused. 404
     * if it does not exist.
     */
    public void deleteVersion(String name, int version) {
        List<RegistryEvent> events = new ArrayList<>();
        Jdbc.inTransaction(ds, c -> {
            RegistryRows.lockVersion(c, name, version);
            ModelVersion v = RegistryRows.findVersion(c, name, version).orElseThrow();
            Sql.list(c, "SELECT alias FROM tracking_model_aliases WHERE model_id = " + MODEL_ID + " AND version = ? ORDER BY alias",
                    rs -> events.add(new RegistryEvent(RegistryEvent.Type.ALIAS_DELETED, name, version, null, rs.getString(1))),
                    name, version);
            for (String table : List.of("tracking_model_version_tags", "tracking_model_aliases", "tracking_model_versions")) {
                Sql.update(c, "DELETE FROM " + table + " WHERE model_id = " + MODEL_ID + " AND version = ?", name, version);
            }
            RegistryRows.touchModel(c, name, System.currentTimeMillis());
            events.add(new RegistryEvent(RegistryEvent.Type.VERSION_DELETED, name, version, v.stage(), null));
            return null;
        });
        listeners.fire(events);
    }

    /** Sets (or replaces) a tag of a version. */
    public void setVersionTag(String name, int version, String key, String value) {
        RegistryTags.check(key, value);
        Jdbc.inTransaction(ds, c -> {
            RegistryRows.lockVersion(c, name, version);
            RegistryTags.VERSION.set(c, List.of(name, version), key, value);
            return null;
        });
    }

    /** Removes a tag of a version; 404 if the version or the tag does not exist. */
    public void deleteVersionTag(String name, int version, String key) {
        Jdbc.inTransaction(ds, c -> {
            RegistryRows.lockVersion(c, name, version);
            if (!RegistryTags.VERSION.delete(c, List.of(name, version), key)) {
                throw ClientErrorException.notFound("Model version " + name + "/" + version + " has no tag '" + key + "'");
            }
            return null;
        });
    }

    /** True if a registered model of that name exists. */
    public boolean exists(String name) {
        return Jdbc.withConnection(ds, c -> RegistryRows.findModel(c, name)).isPresent();
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

    private static void checkName(String name) {
        // Model names become URL path segments (/model/{name}/infer): one rule for every door a name comes through.
        Names.modelName(name);
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
}
