package org.chimp.server.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.chimp.api.Architectures;
import org.chimp.chain.http.ChainRoutes;
import org.chimp.http.Principal;
import org.chimp.http.Routes;
import org.chimp.jobs.http.JobRoutes;
import org.chimp.serving.http.ServingRoutes;
import org.chimp.store.http.DatasetRoutes;
import org.chimp.tracking.http.RegisterModelRoutes;
import org.chimp.tracking.http.RollbackRoutes;
import org.chimp.tracking.http.ImportModelRoutes;
import org.chimp.tracking.mlflow.ArtifactRoutes;
import org.chimp.tracking.mlflow.MlflowRoutes;
import org.chimp.tracking.registry.Lineage;
import org.chimp.tracking.http.LineageRoutes;
import org.chimp.training.http.TrainingRoutes;
import org.chimp.training.http.TriggerRoutes;

/**
 * The HTTP roles a CHIMP process can serve, each with the port CHIMP's originals used. {@code standalone} puts
 * every role on one port; {@code server --roles} gives each its own.
 */
public enum Role {
    /** Datasets, training plugins and tasks, jobs and workers. */
    TRAINING(5253),
    /** Inference on the promoted models. */
    SERVING(5254),
    /** MLflow-compatible tracking, artifacts and model registry. */
    TRACKING(8999);

    private final int defaultPort;

    Role(int defaultPort) {
        this.defaultPort = defaultPort;
    }

    /** The port this role listens on unless told otherwise. */
    public int defaultPort() {
        return defaultPort;
    }

    /** Parses a role name case-insensitively. */
    public static Role parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown role '" + name + "'; roles are training, serving, tracking");
        }
    }

    /** The endpoint groups of this role over the given services. */
    List<Routes> routes(ChimpServices s) {
        List<Routes> out = new ArrayList<>();
        switch (this) {
            case TRAINING -> {
                // the authenticated caller is recorded as a new dataset version's creator
                out.add(new DatasetRoutes(s.datasets(), ctx -> Principal.of(ctx).map(Principal::name).orElse(null)));
                out.add(new TrainingRoutes(s.training()));
                out.add(new TriggerRoutes(s.triggers()));
                out.add(new JobRoutes(s.jobs()));
                // the chain's endpoints when a chain is attached; stored outputs stay readable either way
                out.add(s.chain().<Routes>map(c -> new ChainRoutes(c, s.artifacts())).orElseGet(() -> ChainRoutes.blobs(s.artifacts())));
            }
            case SERVING -> out.add(new ServingRoutes(s.deployments(), s.faceDetection(), s.invocationsModel()));
            case TRACKING -> {
                out.add(new MlflowRoutes(s.tracking(), s.registry()));
                out.add(new ArtifactRoutes(s.tracking()));
                out.add(new RegisterModelRoutes(s.tracking(), s.registry()));
                out.add(new ImportModelRoutes(s.tracking(), s.registry(), Architectures.load(), ImportModelRoutes.DEFAULT_MAX_ARTIFACT_BYTES));
                out.add(new LineageRoutes(new Lineage(s.dataSource())));
                out.add(new RollbackRoutes(s.registry()));
            }
            default -> throw new IllegalStateException(name());
        }
        return out;
    }
}
