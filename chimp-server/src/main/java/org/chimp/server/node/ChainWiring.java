package org.chimp.server.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.chimp.api.RunContext;
import org.chimp.api.classification.Classification;
import org.chimp.api.error.ClientErrorException;
import org.chimp.chain.ChainService;
import org.chimp.chain.ChainSettings;
import org.chimp.chain.task.ChainTasks;
import org.chimp.chain.task.ModelRef;
import org.chimp.http.Json;
import org.chimp.serving.Lease;
import org.chimp.tracking.registry.ModelVersion;
import org.chimp.tracking.registry.Stage;

/**
 * Connects chimp-chain to this process: chain image-classification jobs run on the served deployments (through the
 * public {@code Deployments}/{@code Lease} API), and registering a model on chain hashes its model config from the registry.
 */
final class ChainWiring {
    private ChainWiring() {
    }

    static ChainService open(ChimpServices s, ChainSettings settings) throws IOException {
        ChainTasks tasks = new ChainTasks((ref, image, seed) -> classify(s, ref, image, seed));
        return ChainService.open(settings, s.dataSource(), s.jobs(), s.artifacts(), tasks, ref -> {
            ModelVersion v = version(s, ref);
            try {
                return new ChainService.CatalogEntry(v.config().task(), Json.MAPPER.writeValueAsBytes(v.config().toJson()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static ModelVersion version(ChimpServices s, ModelRef ref) {
        if (ref.version() != null) {
            return s.registry().version(ref.name(), ref.version());
        }
        Stage stage = Stage.parse(ref.stage());
        return s.registry().latest(ref.name(), stage)
                .orElseThrow(() -> ClientErrorException.notFound("model '" + ref.name() + "' has no version in " + stage));
    }

    /** What {@code /infer} answers for one image: metadata, predictions, labels, predicted labels. */
    private static ObjectNode classify(ChimpServices s, ModelRef ref, org.chimp.api.image.Image image, long seed) {
        if (ref.version() != null) {
            throw ClientErrorException.invalid("chain jobs run the model of a stage; pinned versions are not served");
        }
        try (Lease lease = s.deployments().get(ref.name(), Stage.parse(ref.stage()))) {
            Classification c = lease.model().run(image, new RunContext(seed, "cpu", () -> false));
            ObjectNode out = Json.MAPPER.createObjectNode();
            ModelVersion v = lease.version();
            out.putObject("metadata").put("name", v.name()).put("version", v.version()).put("stage", v.stage().mlflowName())
                    .put("task", v.config().task()).put("architecture", v.config().architecture());
            var row = out.putObject("predictions").putArray("probabilities").addArray();
            for (float p : c.probabilities()) {
                row.add(p);
            }
            c.labels().forEach(out.putArray("labels")::add);
            out.putArray("predicted_labels").add(c.bestLabel());
            return out;
        }
    }
}
