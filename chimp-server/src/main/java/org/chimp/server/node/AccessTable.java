package org.chimp.server.node;

import static org.chimp.web.http.Access.ADMIN;
import static org.chimp.web.http.Access.PUBLIC;
import static org.chimp.web.http.Access.USER;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.chimp.chain.http.ChainRoutes;
import org.chimp.http.BearerAuth;
import org.chimp.http.Principal;
import org.chimp.http.metrics.MetricsRoutes;
import org.chimp.tracking.http.ImportModelRoutes;
import org.chimp.tracking.http.RegisterModelRoutes;
import org.chimp.tracking.http.RollbackRoutes;
import org.chimp.tracking.mlflow.ArtifactRoutes;
import org.chimp.tracking.mlflow.MlflowRoutes;
import org.chimp.training.http.TriggerRoutes;
import org.chimp.web.emotion.http.EmotionRoutes;
import org.chimp.web.http.AccessRule;
import org.chimp.web.http.AccessRules;
import org.chimp.web.http.DashboardRoutes;
import org.chimp.web.http.LoginRoutes;
import org.chimp.web.http.TokenRoutes;
import org.chimp.web.http.UserRoutes;

/**
 * Who may call which endpoint of every role: the one place that says so. Routes are named as they are registered
 * ({@code /jobs/{id}/cancel}); the first rule that covers a request decides, and a route no rule covers is
 * admin-only. {@code AccessMatrixTest} calls every registered route without credentials, as a user and as an
 * admin, and fails for routes missing here.
 *
 * <p>Users read everything, run inference, upload datasets and manage their own API tokens; admins also train,
 * promote, register, delete, cancel and retry. MLflow run logging is admin-only for now: runs record no owner
 * yet, so a user could rewrite the metrics of any run, including those promotion decisions are based on.
 */
final class AccessTable {
    /**
     * Training plugins a user may run (for themself: such a plugin must train only for {@code Principal.of(ctx)}),
     * such as calibration; all others need an admin.
     */
    static final Set<String> SELF_SERVICE_PLUGINS = Set.of("emotion-calibration");

    private AccessTable() {
    }

    /** A self-service plugin run by a user for themself: its {@code user} argument names the caller. */
    static boolean forThemself(Context ctx) {
        return SELF_SERVICE_PLUGINS.contains(ctx.pathParam("plugin"))
                && Principal.of(ctx).map(p -> p.name().equals(ctx.formParam("user"))).orElse(false);
    }

    static AccessRules rules() {
        List<AccessRule> r = new ArrayList<>();
        // Liveness, health and static files, as before users existed; and the login form.
        for (String p : BearerAuth.defaultPublicPaths()) {
            r.add(AccessRule.of("*", p, PUBLIC));
        }
        r.add(AccessRule.of("*", LoginRoutes.LOGIN, PUBLIC));
        // The dashboard page sends a caller who is not signed in to the login form; its scripts and styles are for
        // signed-in callers; its data comes from the endpoints below, each with its own line.
        r.add(AccessRule.of("GET", DashboardRoutes.PATH, PUBLIC));
        r.add(AccessRule.of("GET", DashboardRoutes.SHARED_CSS, PUBLIC)); // CHIMP's page styles, for pages before sign-in too
        r.add(AccessRule.of("GET", DashboardRoutes.PATH + "/*", USER));
        // Metrics name models, queues and workers: admins, or the scrape token (CHIMP_METRICS_TOKEN), which the
        // Authenticator turns into a principal on this route only, so Prometheus needs no admin credentials.
        r.add(AccessRule.adminUnless("GET", MetricsRoutes.PATH,
                ctx -> Principal.of(ctx).map(p -> p.via() == Principal.Via.METRICS_TOKEN).orElse(false)));
        // The emotion page: "/" is public above (it sends a browser that is not signed in to /login); its scripts,
        // settings and corrections are for signed-in callers. The live socket checks its session and origin itself
        // (Javalin runs no before-handler for a WebSocket upgrade); its line here says who may open it.
        r.add(AccessRule.of("GET", EmotionRoutes.ASSETS + "/*", USER));
        r.add(AccessRule.of("GET", EmotionRoutes.SETTINGS, USER));
        r.add(AccessRule.of("POST", EmotionRoutes.CORRECTIONS, USER));
        r.add(AccessRule.of("GET", EmotionRoutes.SOCKET, USER));
        // Identity: every caller manages their own session and tokens (TokenRoutes checks whose).
        r.add(AccessRule.of("POST", LoginRoutes.LOGOUT, USER));
        r.add(AccessRule.of("GET", LoginRoutes.WHOAMI, USER));
        r.add(AccessRule.of("*", TokenRoutes.PATH, USER));
        r.add(AccessRule.of("DELETE", TokenRoutes.PATH + "/{id}", USER));
        r.add(AccessRule.of("*", UserRoutes.PATH, ADMIN));
        r.add(AccessRule.of("DELETE", UserRoutes.PATH + "/{name}", ADMIN));
        // Serving.
        r.add(AccessRule.of("GET", "/model", USER));
        // The catalogue of tasks (schemas, examples) and architectures: what models this server could run.
        r.add(AccessRule.of("GET", "/tasks", USER));
        r.add(AccessRule.of("GET", "/architectures", USER));
        r.add(AccessRule.of("POST", "/model/{name}/infer", USER));
        r.add(AccessRule.of("POST", "/model/{name}/faces", USER));
        r.add(AccessRule.of("POST", "/model/{name}/generate", USER));
        r.add(AccessRule.of("GET", "/v2/models/{name}", USER));
        r.add(AccessRule.of("GET", "/v2/models/{name}/ready", USER));
        r.add(AccessRule.of("POST", "/v2/models/{name}/infer", USER));
        // MLflow's scoring protocol on the configured model.
        r.add(AccessRule.of("POST", "/invocations", USER));
        // Open Inference Protocol: server metadata and routes pinned to one version.
        r.add(AccessRule.of("GET", "/v2", USER));
        r.add(AccessRule.of("GET", "/v2/models/{name}/versions/{version}", USER));
        r.add(AccessRule.of("GET", "/v2/models/{name}/versions/{version}/ready", USER));
        r.add(AccessRule.of("POST", "/v2/models/{name}/versions/{version}/infer", USER));
        // Datasets, training, jobs, workers.
        r.add(AccessRule.of("GET", "/datasets", USER));
        r.add(AccessRule.of("GET", "/datasets/{name}", USER));
        r.add(AccessRule.of("POST", "/datasets", USER));
        r.add(AccessRule.of("POST", "/datasets/{name}/versions", USER));
        r.add(AccessRule.of("GET", "/datasets/{name}/versions/{version}", USER));
        r.add(AccessRule.of("GET", "/datasets/{name}/versions/{version}/files", USER));
        r.add(AccessRule.of("GET", "/datasets/{name}/versions/{version}/files/<path>", USER));
        r.add(AccessRule.of("GET", "/datasets/{name}/versions/{version}/download", USER));
        r.add(AccessRule.of("DELETE", "/datasets/{name}/versions/{version}", ADMIN));
        r.add(AccessRule.of("GET", "/api/2.0/chimp/lineage", USER));
        r.add(AccessRule.of("GET", "/plugins", USER));
        r.add(AccessRule.adminUnless("POST", "/tasks/run/{plugin}", AccessTable::forThemself));
        r.add(AccessRule.of("GET", "/tasks/poll/{task_id}", USER));
        r.add(AccessRule.of("GET", "/jobs", USER));
        r.add(AccessRule.of("GET", "/jobs/{id}", USER));
        r.add(AccessRule.of("POST", "/jobs/{id}/cancel", ADMIN));
        r.add(AccessRule.of("POST", "/jobs/{id}/retry", ADMIN));
        r.add(AccessRule.of("GET", "/workers", USER));
        // Tracking and registry: reads (GET, and the searches MLflow clients POST) for users, writes for admins.
        for (String prefix : MlflowRoutes.PREFIXES) {
            r.add(AccessRule.of("GET", prefix + "*", USER));
            for (String search : List.of("experiments/search", "runs/search", "registered-models/search",
                    "registered-models/get-latest-versions", "model-versions/search")) {
                r.add(AccessRule.of("POST", prefix + search, USER));
            }
            r.add(AccessRule.of("*", prefix + "*", ADMIN));
        }
        for (String prefix : ArtifactRoutes.PREFIXES) {
            r.add(AccessRule.of("GET", prefix + "*", USER));
            r.add(AccessRule.of("*", prefix + "*", ADMIN));
        }
        r.add(AccessRule.of("POST", RegisterModelRoutes.PATH, ADMIN));
        r.add(AccessRule.of("POST", ImportModelRoutes.PATH, ADMIN));
        r.add(AccessRule.of("POST", RollbackRoutes.PATH, ADMIN));
        r.add(AccessRule.of("GET", TriggerRoutes.PATH, USER));
        r.add(AccessRule.of("POST", TriggerRoutes.PATH, ADMIN));
        r.add(AccessRule.of("DELETE", TriggerRoutes.PATH + "/{id}", ADMIN));
        // Chain: an output fulfilled on chain is fetched by anyone from the URI written there (content-addressed,
        // so its hash on chain proves it); registering models on the oracle spends the owner's funds.
        r.add(AccessRule.of("GET", ChainRoutes.BLOBS + "*", PUBLIC));
        r.add(AccessRule.of("POST", "/chain/models", ADMIN));
        r.add(AccessRule.of("GET", "/chain/jobs", USER));
        return new AccessRules(r);
    }
}
