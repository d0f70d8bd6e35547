package org.chimp.server.node;

import ai.onnxruntime.OrtEnvironment;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.chimp.chain.ChainSettings;
import org.chimp.chain.http.ChainRoutes;
import org.chimp.chain.sequencer.LogReader;
import org.chimp.http.BearerAuth;
import org.chimp.http.ErrorFormats;
import org.chimp.http.HttpErrors;
import org.chimp.http.JettySetup;
import org.chimp.http.Json;
import org.chimp.http.metrics.ChimpMetrics;
import org.chimp.http.metrics.HttpObserver;
import org.chimp.http.metrics.MetricsRoutes;
import org.chimp.jobs.JobHandler;
import org.chimp.jobs.Worker;
import org.chimp.jobs.WorkerOptions;
import org.chimp.jobs.metrics.TimedHandler;
import org.chimp.serving.http.FaceInference;
import org.chimp.serving.http.OipErrorFormat;
import org.chimp.serving.metrics.ServingMetrics;
import org.chimp.store.ScratchSpace;
import org.chimp.store.UploadLimits;
import org.chimp.tracking.mlflow.MlflowErrorFormat;
import org.chimp.training.runner.TrainingJobHandler;
import org.chimp.training.runner.TrainingService;
import org.chimp.training.triggers.TriggerPoller;
import org.chimp.web.emotion.FrameLimits;
import org.chimp.web.emotion.http.EmotionRoutes;
import org.chimp.web.http.AccessRules;
import org.chimp.web.http.Authenticator;
import org.chimp.web.http.DashboardRoutes;
import org.chimp.web.http.LoginRoutes;
import org.chimp.web.http.StaticPaths;
import org.chimp.web.http.TokenRoutes;
import org.chimp.web.http.UserRoutes;
import org.chimp.web.identity.LoginThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running CHIMP process: its services, an HTTP app per port carrying the roles assigned to that port, and
 * optionally a worker. {@code standalone} is every role on one port plus a worker; {@code server} is roles on
 * their own ports; {@code worker} is a worker alone. Closing stops the HTTP apps, then the worker gracefully
 * (running jobs get a grace period, then go back to the broker), then the services.
 */
public final class ChimpNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChimpNode.class);

    /** Threads for chain jobs in a worker that also runs training. */
    static final int CHAIN_THREADS = 4;

    private final ChimpServices services;
    /** This process's meters, served at /metrics on every port. */
    private final ChimpMetrics metrics = new ChimpMetrics();
    private final List<Javalin> apps = new ArrayList<>();
    private final Map<Role, Integer> ports = new EnumMap<>(Role.class);
    private final AccessRules access = AccessTable.rules();
    private final LoginThrottle loginThrottle = new LoginThrottle(Clock.systemUTC());
    private Worker worker;
    private ScratchSpace uploads;
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private TriggerPoller triggerPoller;
    /** How often processes with the training role check the retraining triggers. */
    static final Duration TRIGGER_POLL = Duration.ofSeconds(10);

    private ChimpNode(ChimpServices services) {
        this.services = services;
    }

    /**
     * Starts a node.
     *
     * @param listeners for each port, the roles served on it (port 0 picks a free port)
     * @param worker    the in-process worker, or null for none
     */
    public static ChimpNode start(NodeSettings settings, Map<Integer, Set<Role>> listeners, WorkerSettings worker)
            throws IOException {
        return start(settings, listeners, worker, null);
    }

    /**
     * Starts a node that also sequences a chain's oracle jobs (when {@code chain} is not null): its worker takes
     * queue {@code inference} as well, and the training port serves {@code /chain/...}.
     */
    public static ChimpNode start(NodeSettings settings, Map<Integer, Set<Role>> listeners, WorkerSettings worker,
                                  ChainSettings chain) throws IOException {
        ChimpNode node = new ChimpNode(ChimpServices.open(settings));
        try {
            NodeMetrics.bind(node.services, node.metrics);
            if (chain != null) {
                node.services.attachChain(chain);
            }
            if (chain != null || listeners.values().stream().anyMatch(r -> r.contains(Role.SERVING))) {
                // before the worker: chain jobs run models too, and each loaded version keeps the timer it got
                ServingMetrics.bind(node.services.deployments(), node.metrics);
            }
            if (!listeners.isEmpty()) {
                // Request bodies and multipart files wait here; what a killed process left is swept at start.
                node.uploads = ScratchSpace.open(node.services.workDir().resolve("uploads"));
                node.uploads.sweep();
            }
            if (worker != null) {
                node.startWorker(worker);
            }
            for (Map.Entry<Integer, Set<Role>> e : listeners.entrySet()) {
                node.listen(e.getKey(), e.getValue(), settings);
            }
            if (node.services.chain().isPresent()) {
                node.services.chain().get().start();
            }
            return node;
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
    }

    /** Every role on one port, and a worker on the training queue: what {@code standalone} runs. */
    public static ChimpNode standalone(NodeSettings settings, int port, WorkerSettings worker) throws IOException {
        return start(settings, Map.of(port, Set.of(Role.values())), worker);
    }

    private void startWorker(WorkerSettings w) throws IOException {
        // ONNX Runtime unpacks its native library with File.deleteOnExit, which throws once the JVM is shutting
        // down: loaded lazily, a training job still running in the SIGTERM grace period would fail for that alone.
        OrtEnvironment.getEnvironment();
        Path work = Files.createDirectories(services.workDir().resolve("training"));
        TrainingJobHandler training = new TrainingJobHandler(services.plugins(), services.datasets(),
                services.tracking(), services.registry(), work, services::faceDetection);
        Map<String, JobHandler> handlers = new HashMap<>(Map.of(TrainingService.JOB_TYPE, training));
        List<String> queues = new ArrayList<>(w.queues());
        WorkerOptions options = w.options();
        if (services.chain().isPresent()) {
            handlers.putAll(services.chain().get().handlers());
            if (!queues.contains(LogReader.QUEUE)) {
                // chain jobs get threads of their own: a long training job must not hold them past their deadline
                queues.add(LogReader.QUEUE);
                options = options.withQueueConcurrency(LogReader.QUEUE, CHAIN_THREADS);
            }
        }
        worker = new Worker(services.jobs(), services.broker(), TimedHandler.timed(handlers, metrics.registry()), queues, options);
        worker.start();
    }

    private void listen(int port, Set<Role> roles, NodeSettings settings) throws IOException {
        Path uploads = this.uploads.dir();
        long maxUpload = UploadLimits.defaults().maxCompressedBytes();
        ErrorFormats formats = ErrorFormats.of(new MlflowErrorFormat(), new OipErrorFormat());
        String scrapeToken = settings.observability().metricsToken();
        Authenticator auth = new Authenticator(new BearerAuth(settings.adminToken(), List.of()),
                scrapeToken == null ? null : new BearerAuth(scrapeToken, List.of()), services.identity(), access);
        HttpObserver observer = new HttpObserver(metrics.registry(), settings.observability().accessLog());
        Javalin app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            JettySetup.apply(cfg, port, settings.http(), uploads, formats, auth::admits, observer);
            // Multipart files are parsed from the spooled body into the same directory; the dataset store checks
            // the unpacked size.
            cfg.jetty.multipartConfig.cacheDirectory(uploads.toString());
            cfg.jetty.multipartConfig.maxFileSize(maxUpload, SizeUnit.BYTES);
            cfg.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
            cfg.jetty.multipartConfig.maxTotalRequestSize(settings.http().maxUploadBytes(), SizeUnit.BYTES);
            StaticPaths.webjars(cfg);
            DashboardRoutes.configure(cfg);
            if (roles.contains(Role.SERVING)) {
                EmotionRoutes.configure(cfg);
            }
        });
        HttpErrors.install(app, formats);
        observer.install(app); // before authentication, which may end a request
        auth.install(app);
        new HealthRoutes(services.dataSource()).addTo(app);
        new MetricsRoutes(metrics).addTo(app);
        // Every port has login and tokens: cookies are per host, not per port, so a session works on all of them.
        new LoginRoutes(services.identity(), loginThrottle).addTo(app);
        new TokenRoutes(services.identity()).addTo(app);
        new UserRoutes(services.identity()).addTo(app);
        new DashboardRoutes().addTo(app);
        for (Role role : Role.values()) {
            if (roles.contains(role)) {
                role.routes(services).forEach(r -> r.addTo(app));
            }
        }
        if (roles.contains(Role.SERVING)) {
            // The emotion page asks serving in process, so it lives where the serving role does.
            new EmotionRoutes(auth, new FaceInference(services.deployments(), services.faceDetection()), services.datasets(),
                    EmotionRoutes.DEFAULT_MODEL, FrameLimits.defaults()).addTo(app);
        }
        apps.add(app);
        app.start();
        observer.bindThreadPool(app);
        if (roles.contains(Role.TRAINING) && triggerPoller == null) {
            triggerPoller = new TriggerPoller(services.triggers(), TRIGGER_POLL);
        }
        roles.forEach(r -> ports.put(r, app.port()));
        LOG.info("Serving {} on port {}", roles, app.port());
    }

    /** Every port this node listens on (a worker's metrics port has no role). */
    public List<Integer> httpPorts() {
        return apps.stream().map(Javalin::port).toList();
    }

    /** The port a role listens on. */
    public int port(Role role) {
        Integer p = ports.get(role);
        if (p == null) {
            throw new IllegalArgumentException("This node does not serve the " + role + " role");
        }
        return p;
    }

    /** The routes served on a role's port as {@code "METHOD path"}, as registered (for the access matrix test). */
    public List<String> endpoints(Role role) {
        int port = port(role);
        return apps.stream().filter(a -> a.port() == port)
                .flatMap(a -> a.unsafeConfig().pvt.internalRouter.allHttpHandlers().stream())
                .filter(e -> e.getEndpoint().getMethod().isHttpMethod())
                .map(e -> e.getEndpoint().getMethod() + " " + e.getEndpoint().getPath())
                .toList();
    }

    /** The access table every port of this node applies. */
    public AccessRules access() {
        return access;
    }

    /** Closes this too, after the node (e.g. the development chain the node's sequencer talks to). */
    public void closeAfter(AutoCloseable resource) {
        closeAfter.add(resource);
    }

    /** This process's meters (what {@code /metrics} serves). */
    public ChimpMetrics metrics() {
        return metrics;
    }

    /** The services of this node, for tests and tools. */
    public ChimpServices services() {
        return services;
    }

    @Override
    public void close() {
        if (triggerPoller != null) {
            triggerPoller.close();
        }
        apps.forEach(Javalin::stop);
        if (worker != null) {
            try {
                worker.close();
            } catch (RuntimeException e) {
                LOG.warn("Stopping the worker failed: {}", e.toString());
            }
        }
        services.close();
        for (AutoCloseable resource : closeAfter) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", resource.getClass().getSimpleName(), e.toString());
            }
        }
        if (uploads != null) {
            uploads.close();
        }
        metrics.close();
    }
}
