package org.chimp.tracking.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;

/**
 * Where a model version came from, read from the tags of the run that registered it: the dataset versions (with
 * content hashes) it was trained on, the plugin and its version, the arguments, and the model version it was
 * fine-tuned from. The training runner sets these tags when it starts a run; a plugin that starts from another model
 * version sets {@link #PARENT_TAG} ({@code name/version}).
 */
public final class Lineage {
    /** JSON: input name to {"ref": "faces@2", "content_hash": "<hex>"}. */
    public static final String DATASETS_TAG = "chimp.lineage.datasets";
    /** The plugin's name; its version is {@link #PLUGIN_VERSION_TAG}. */
    public static final String PLUGIN_TAG = "chimp.plugin";
    public static final String PLUGIN_VERSION_TAG = "chimp.lineage.plugin_version";
    /** JSON object of the arguments the plugin ran with. */
    public static final String ARGUMENTS_TAG = "chimp.lineage.arguments";
    /** The model version a run started from, as {@code name/version}. */
    public static final String PARENT_TAG = "chimp.lineage.parent";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final DataSource ds;

    public Lineage(DataSource ds) {
        this.ds = ds;
    }

    /** The lineage of a model version, empty if there is no such version. */
    public Optional<ObjectNode> of(String model, int version) {
        return Jdbc.withConnection(ds, c -> {
            Optional<String> runId = Sql.first(c, "SELECT COALESCE(run_id, '') FROM tracking_model_versions "
                            + "WHERE model_id = " + RegistryRows.MODEL_ID + " AND version = ?",
                    rs -> rs.getString(1), model, version);
            if (runId.isEmpty()) {
                return Optional.<ObjectNode>empty();
            }
            // Versions registered through MLflow's API from outside may have no run.
            String run = runId.get().isEmpty() ? null : runId.get();
            Map<String, String> tags = new java.util.HashMap<>();
            if (run != null) {
                for (String[] t : Sql.list(c, "SELECT name, val FROM tracking_run_tags WHERE run_id = ? AND (name LIKE 'chimp.lineage.%' OR name = ?)",
                        rs -> new String[] {rs.getString(1), rs.getString(2)}, run, PLUGIN_TAG)) {
                    tags.put(t[0], t[1]);
                }
            }
            ObjectNode out = JSON.createObjectNode();
            out.put("name", model);
            out.put("version", version);
            out.put("run_id", run);
            out.set("datasets", parse(tags.get(DATASETS_TAG)));
            out.put("plugin", tags.get(PLUGIN_TAG));
            out.put("plugin_version", tags.get(PLUGIN_VERSION_TAG));
            out.set("arguments", parse(tags.get(ARGUMENTS_TAG)));
            String parent = tags.get(PARENT_TAG);
            if (parent != null && parent.matches(".+/\\d+")) {
                ObjectNode p = out.putObject("parent");
                p.put("name", parent.substring(0, parent.lastIndexOf('/')));
                p.put("version", Integer.parseInt(parent.substring(parent.lastIndexOf('/') + 1)));
            } else {
                out.putNull("parent");
            }
            return Optional.of(out);
        });
    }

    /** The model versions whose lineage names the dataset version {@code ref} ({@code name@version}), as "model m version n". */
    public List<String> modelVersionsUsing(String ref) {
        String needle = "%\"ref\":" + JSON.valueToTree(ref).toString().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return Jdbc.withConnection(ds, c -> Sql.list(c, "SELECT m.name, mv.version FROM tracking_model_versions mv "
                + "JOIN tracking_registered_models m ON m.id = mv.model_id "
                + "JOIN tracking_run_tags t ON t.run_id = mv.run_id AND t.name = ? WHERE t.val LIKE ? ESCAPE '\\' "
                + "ORDER BY m.name, mv.version", rs -> "model " + rs.getString(1) + " version " + rs.getInt(2), DATASETS_TAG, needle));
    }

    private static JsonNode parse(String json) {
        if (json == null) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            return JSON.getNodeFactory().textNode(json);
        }
    }
}
