package org.chimp.tracking.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.chimp.api.ModelConfig;
import org.chimp.api.error.ClientErrorException;
import org.chimp.tracking.RunInfo;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.mlflow.PageToken.Page;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.tracking.registry.ModelVersion;
import org.chimp.tracking.registry.Stage;

/** MLflow's model-versions endpoints. */
final class ModelVersionEndpoints {
    private final ModelRegistry registry;
    private final TrackingStore tracking;

    ModelVersionEndpoints(ModelRegistry registry, TrackingStore tracking) {
        this.registry = registry;
        this.tracking = tracking;
    }

    void addTo(MlflowRoutes routes) {
        routes.post("model-versions/create", this::create);
        routes.get("model-versions/get", r -> version(registry, registry.version(r.required("name"), r.version())));
        routes.patchOrPost("model-versions/update", r -> version(registry,
                registry.updateVersion(r.required("name"), r.version(), r.optional("description"))));
        routes.deleteOrPost("model-versions/delete", r -> {
            registry.deleteVersion(r.required("name"), r.version());
            return MlflowJson.object();
        });
        routes.getAndPost("model-versions/search", this::search);
        routes.post("model-versions/transition-stage", r -> version(registry, registry.transitionStage(r.required("name"),
                r.version(), Stage.parse(r.required("stage")), r.optionalBoolean("archive_existing_versions"))));
        routes.get("model-versions/get-download-uri", r ->
                MlflowJson.object().put("artifact_uri", registry.version(r.required("name"), r.version()).source()));
        routes.post("model-versions/set-tag", r -> {
            registry.setVersionTag(r.required("name"), r.version(), r.required("key"), r.present("value"));
            return MlflowJson.object();
        });
        routes.deleteOrPost("model-versions/delete-tag", r -> {
            registry.deleteVersionTag(r.required("name"), r.version(), r.required("key"));
            return MlflowJson.object();
        });
    }

    /** As MLflow, the registered model must exist; the version's CHIMP config is found next to its source, if there. */
    private ObjectNode create(MlflowRequest r) {
        String name = registry.model(r.required("name")).name();
        String source = r.required("source");
        String runId = r.optional("run_id");
        runId = runId == null || runId.isEmpty() ? null : runId;
        ModelConfig config = runId == null ? null : configAt(runId, source);
        return version(registry, registry.createVersion(name, runId, source, config, r.optional("description"), r.keyValues("tags")));
    }

    /** The config CHIMP logs with a trained model ({@value ModelRegistry#CONFIG_ARTIFACT}), when source is in the run's artifacts. */
    private ModelConfig configAt(String runId, String source) {
        RunInfo run = tracking.getRun(runId).info();
        String root = run.artifactUri() + "/";
        if (!source.startsWith(root) || source.length() == root.length()) {
            return null;
        }
        String dir = source.substring(root.length()).replaceAll("/+$", "");
        try (InputStream in = tracking.openArtifact(runId, dir + "/" + ModelRegistry.CONFIG_ARTIFACT)) {
            return ModelConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (ClientErrorException e) {
            return null; // no config there (404) or an unusable one: registered, but not servable
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ObjectNode search(MlflowRequest r) {
        String filter = r.optional("filter");
        List<String> orderBy = r.strings("order_by");
        Page<ModelVersion> page = Page.fetch(r.maxResults(10_000, 200_000), r.optional("page_token"),
                List.of(String.valueOf(filter), orderBy), (max, offset) -> registry.searchVersions(filter, orderBy, max, offset));
        Map<String, Map<String, Integer>> aliases = new HashMap<>();
        ObjectNode o = MlflowJson.object();
        ArrayNode a = o.putArray("model_versions");
        page.items().forEach(v -> a.add(MlflowJson.modelVersion(v,
                aliases.computeIfAbsent(v.name(), n -> registry.model(n).aliases()))));
        return MlflowJson.withToken(o, page);
    }

    static ObjectNode version(ModelRegistry registry, ModelVersion v) {
        return MlflowJson.wrap("model_version", MlflowJson.modelVersion(v, registry.model(v.name()).aliases()));
    }
}
