package org.chimp.training.triggers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;
import org.chimp.api.Names;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.Database;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;
import org.chimp.jobs.Job;
import org.chimp.store.DatasetVersion;
import org.chimp.training.DatasetSpec;
import org.chimp.training.PluginInfo;
import org.chimp.training.runner.TrainingService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retraining triggers, kept in the database so every process with the training role sees the same ones. A
 * trigger is checked when created (its plugin, arguments and dataset key exactly as a task submission would be)
 * and starts from the dataset's newest version at that time; {@link #check()} then starts a task for each new
 * version with enough new files. Several processes may check at once: a version is claimed with a conditional
 * update before its task is submitted, so it starts one task. "New files" compares file counts, so a version that
 * replaces files without adding any does not count.
 */
public final class Triggers {
    /** The most triggers kept; each is checked on every poll. */
    public static final int MAX_TRIGGERS = 100;
    private static final Logger LOG = LoggerFactory.getLogger(Triggers.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final DataSource ds;
    private final TrainingService training;
    private final Function<String, DatasetVersion> resolveDataset;

    /** @param resolveDataset resolves a dataset name to its newest version (404 if there is none) */
    public Triggers(DataSource ds, TrainingService training, Function<String, DatasetVersion> resolveDataset) {
        this.ds = ds;
        this.training = training;
        this.resolveDataset = resolveDataset;
        Database.migrate(ds, "training");
    }

    /**
     * Watches {@code dataset} for the plugin. {@code datasetKey} may be null when the plugin takes one dataset.
     * Every problem is a 400/404 and nothing is stored.
     */
    public Trigger create(String dataset, String plugin, Map<String, String> arguments, String datasetKey, long minNewFiles) {
        Names.datasetName(dataset);
        if (minNewFiles < 1 || minNewFiles > 10_000_000) {
            throw ClientErrorException.invalid("'min_new_files' must be between 1 and 10000000, got " + minNewFiles);
        }
        PluginInfo info = training.plugins().find(plugin).info();
        String key = datasetKey(info, datasetKey);
        // Checked as a submission would be; the dataset need not exist yet.
        training.payload(plugin, arguments, JsonNodeFactory.instance.objectNode().put(key, dataset).toString(), false);
        Optional<DatasetVersion> newest = newest(dataset);
        Trigger t = new Trigger(UUID.randomUUID().toString(), dataset, key, info.name(), arguments, minNewFiles,
                newest.map(DatasetVersion::version).orElse(0), newest.map(DatasetVersion::fileCount).orElse(0L), null,
                System.currentTimeMillis());
        Jdbc.inTransaction(ds, c -> {
            int count = Sql.first(c, "SELECT COUNT(*) FROM training_triggers", rs -> rs.getInt(1)).orElse(0);
            if (count >= MAX_TRIGGERS) {
                throw ClientErrorException.conflict("There are already " + MAX_TRIGGERS + " triggers; delete one first");
            }
            Sql.update(c, "INSERT INTO training_triggers (id, dataset, dataset_key, plugin, arguments, min_new_files, seen_version, "
                    + "seen_file_count, last_task_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)", t.id(), t.dataset(),
                    t.datasetKey(), t.plugin(), json(t.arguments()), t.minNewFiles(), t.seenVersion(), t.seenFileCount(), t.createdAt());
            return null;
        });
        return t;
    }

    /** Every trigger, oldest first. */
    public List<Trigger> list() {
        return Jdbc.withConnection(ds, c -> Sql.list(c, "SELECT * FROM training_triggers ORDER BY created_at, id", Triggers::row));
    }

    /** One trigger; 404 if there is none with that id. */
    public Trigger get(String id) {
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT * FROM training_triggers WHERE id = ?", Triggers::row, id))
                .orElseThrow(() -> ClientErrorException.notFound("There is no trigger '" + shown(id) + "'; GET /api/2.0/chimp/triggers lists them"));
    }

    /** Stops watching; 404 if there is no such trigger. */
    public void delete(String id) {
        if (Jdbc.inTransaction(ds, c -> Sql.update(c, "DELETE FROM training_triggers WHERE id = ?", id)) == 0) {
            throw ClientErrorException.notFound("There is no trigger '" + shown(id) + "'; GET /api/2.0/chimp/triggers lists them");
        }
    }

    /** Starts the tasks new dataset versions call for; returns the tasks started. A failing trigger does not stop the others. */
    public List<Job> check() {
        List<Job> started = new ArrayList<>();
        for (Trigger t : list()) {
            try {
                check(t).ifPresent(started::add);
            } catch (RuntimeException e) {
                LOG.warn("Trigger {} on dataset '{}' could not start plugin '{}': {}", t.id(), t.dataset(), t.plugin(), e.getMessage());
            }
        }
        return started;
    }

    private Optional<Job> check(Trigger t) {
        Optional<DatasetVersion> newest = newest(t.dataset());
        if (newest.isEmpty() || newest.get().version() <= t.seenVersion()
                || newest.get().fileCount() - t.seenFileCount() < t.minNewFiles()) {
            return Optional.empty();
        }
        DatasetVersion v = newest.get();
        // Claimed first: of several processes checking at once, one moves the trigger on and submits.
        int claimed = Jdbc.inTransaction(ds, c -> Sql.update(c, "UPDATE training_triggers SET seen_version = ?, seen_file_count = ? "
                + "WHERE id = ? AND seen_version = ?", v.version(), v.fileCount(), t.id(), t.seenVersion()));
        if (claimed == 0) {
            return Optional.empty();
        }
        Job job = training.submit(t.plugin(), t.arguments(), JsonNodeFactory.instance.objectNode().put(t.datasetKey(), v.ref()).toString());
        Jdbc.inTransaction(ds, c -> Sql.update(c, "UPDATE training_triggers SET last_task_id = ? WHERE id = ?", job.id(), t.id()));
        LOG.info("Trigger {}: dataset {} has {} new files; started {} as task {}", t.id(), v.ref(), v.fileCount() - t.seenFileCount(),
                t.plugin(), job.id());
        return Optional.of(job);
    }

    private Optional<DatasetVersion> newest(String dataset) {
        try {
            return Optional.of(resolveDataset.apply(dataset));
        } catch (ClientErrorException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static String datasetKey(PluginInfo info, String given) {
        List<String> keys = info.datasets().stream().map(DatasetSpec::name).toList();
        if (given != null) {
            if (!keys.contains(given)) {
                throw ClientErrorException.invalid("'" + shown(given) + "' is not a dataset of plugin '" + info.name() + "' (its datasets: "
                        + (keys.isEmpty() ? "none" : String.join(", ", keys)) + ")");
            }
            return given;
        }
        if (keys.size() != 1) {
            throw ClientErrorException.invalid("Plugin '" + info.name() + "' takes " + (keys.isEmpty() ? "no dataset"
                    : "the datasets " + String.join(", ", keys)) + "; give 'dataset_key' to say which one the watched dataset is");
        }
        return keys.get(0);
    }

    private static Trigger row(ResultSet rs) throws SQLException {
        Map<String, String> args;
        try {
            args = MAPPER.readValue(rs.getString("arguments"), new TypeReference<TreeMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new SQLException("Unreadable trigger arguments", e);
        }
        return new Trigger(rs.getString("id"), rs.getString("dataset"), rs.getString("dataset_key"), rs.getString("plugin"), args,
                rs.getLong("min_new_files"), rs.getInt("seen_version"), rs.getLong("seen_file_count"), rs.getString("last_task_id"),
                rs.getLong("created_at"));
    }

    private static String json(Map<String, String> arguments) {
        try {
            return MAPPER.writeValueAsString(new TreeMap<>(arguments));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String shown(String s) {
        return s == null ? "null" : s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
