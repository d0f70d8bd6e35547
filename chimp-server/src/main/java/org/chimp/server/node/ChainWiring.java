package org.chimp.server.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import org.chimp.api.RunContext;
import org.chimp.api.TaskModel;
import org.chimp.api.Tasks;
import org.chimp.api.classification.Classification;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.Image;
import org.chimp.chain.ChainService;
import org.chimp.chain.ChainSettings;
import org.chimp.chain.task.ChainTasks;
import org.chimp.chain.task.ModelRef;
import org.chimp.http.Json;
import org.chimp.serving.Lease;
import org.chimp.serving.http.ChimpInference;
import org.chimp.tracking.registry.ModelVersion;
import org.chimp.tracking.registry.Stage;

/**
 * Connects chimp-chain to this process: chain jobs run on the served deployments (through the
 * public {@code Deployments}/{@code Lease} API), and registering a model on chain hashes its model config from the registry.
 */
final class ChainWiring {
    private ChainWiring() {
    }

    static ChainService open(ChimpServices s, ChainSettings settings) throws IOException {
        ChainTasks tasks = new ChainTasks((ref, image, seed) -> classify(s, ref, image, seed),
                (task, ref, input, seed) -> runBytes(s, task, ref, input, seed));
        return ChainService.open(settings, s.dataSource(), s.jobs(), s.artifacts(), tasks, ref -> {
            ModelVersion v = version(s, ref);
            if (v.config() == null) {
                throw ClientErrorException.conflict("model '" + v.name() + "' version " + v.version()
                        + " has no CHIMP model config, so chain jobs could not run it");
            }
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

    /** Any task with byte forms (text-to-image: UTF-8 prompt in, PNG out), through its data types only. */
    private static byte[] runBytes(ChimpServices s, String task, ModelRef ref, byte[] input, long seed) {
        try (Lease lease = lease(s, ref)) {
            if (!lease.served().task().id().equals(task)) {
                throw ClientErrorException.invalid("model '" + ref.name() + "' is of task '" + lease.served().task().id()
                        + "', but the chain registered it as '" + task + "'");
            }
            return runBytes(lease, lease.served(), input, seed);
        }
    }

    private static <I, O> byte[] runBytes(Lease lease, TaskModel<I, O> served, byte[] input, long seed) {
        I in = served.task().input().fromBytes(input);
        O out = lease.timed(() -> served.model().run(in, new RunContext(seed, "cpu", () -> false)));
        return served.task().output().toBytes(out);
    }

    private static Lease lease(ChimpServices s, ModelRef ref) {
        return ref.version() != null ? s.deployments().get(ref.name(), ref.version()) : s.deployments().get(ref.name(), Stage.parse(ref.stage()));
    }

    /** What {@code /infer} answers for one image (the same code builds both): metadata, predictions, labels, predicted labels. */
    private static ObjectNode classify(ChimpServices s, ModelRef ref, Image image, long seed) {
        try (Lease lease = lease(s, ref)) {
            // A chain job names its model's task; a model registered since under another task is refused (400).
            Classification c = lease.timed(() -> lease.model(Tasks.IMAGE_CLASSIFICATION).run(image, new RunContext(seed, "cpu", () -> false)));
            return ChimpInference.response(lease, List.of(c));
        }
    }
}
