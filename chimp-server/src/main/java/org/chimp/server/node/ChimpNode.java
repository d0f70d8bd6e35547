package org.chimp.server.node;

import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.chimp.api.Architectures;
import org.chimp.db.Database;
import org.chimp.http.BearerAuth;
import org.chimp.http.HttpErrors;
import org.chimp.http.Json;
import org.chimp.http.Routes;
import org.chimp.jobs.JobService;
import org.chimp.jobs.Worker;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.embedded.EmbeddedBroker;
import org.chimp.jobs.http.JobRoutes;
import org.chimp.serving.Deployments;
import org.chimp.serving.http.ServingRoutes;
import org.chimp.store.ArtifactStore;
import org.chimp.store.BlobStore;
import org.chimp.store.DatasetStore;
import org.chimp.store.FileBlobStore;
import org.chimp.store.UploadLimits;
import org.chimp.store.DatasetRoutes;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.mlflow.MlflowRoutes;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.training.http.TrainingRoutes;
import org.chimp.training.runner.PluginRegistry;
import org.chimp.training.runner.TrainingJobHandler;
import org.chimp.training.runner.TrainingService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running CHIMP process: the database, stores, registry, broker, in-process worker and one HTTP app that
 * carries every endpoint. Built from {@link NodeSettings}; closing it stops the worker gracefully, then the rest.
 */
public final class ChimpNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChimpNode.class);
    /** How long a running job may take to finish on shutdown before it is handed back to the broker. */
    private static final Duration GRACE = Duration.ofSeconds(20);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Javalin app;
    private final String token;

    private ChimpNode(NodeSettings s) throws IOException {
        Path dataDir = s.dataDir().toAbsolutePath();
        Files.createDirectories(dataDir);
        token = s.adminToken();

        HikariDataSource ds = Database.open(s.db() == null ? Database.h2FileUrl(dataDir) : s.db());
        resources.add(ds);
        BlobStore blobs = new FileBlobStore(s.store() == null ? dataDir.resolve("store") : Path.of(s.store()));
        ArtifactStore artifacts = new ArtifactStore(blobs, dataDir.resolve("cache").resolve("artifacts"));
        Path work = dataDir.resolve("tmp");
        Files.createDirectories(work);
        DatasetStore datasets = new DatasetStore(ds, blobs, UploadLimits.defaults(), work);
        TrackingStore tracking = new TrackingStore(ds, blobs);
        ModelRegistry registry = new ModelRegistry(ds, artifacts);
        Architectures architectures = Architectures.load();

        Broker broker = brokerFor(s.broker(), ds);
        resources.add(broker);
        JobService jobs = new JobService(ds, broker);
        PluginRegistry plugins = PluginRegistry.load(getClass().getClassLoader());
        TrainingService training = new TrainingService(plugins, datasets, jobs);
        Deployments deployments = new Deployments(registry, artifacts, architectures);
        resources.add(deployments);

        if (s.worker()) {
            Worker worker = new Worker(jobs, broker,
                    Map.of("training", new TrainingJobHandler(plugins, datasets, tracking, registry, work)),
                    List.of("training"), s.workerConcurrency(), GRACE);
            worker.start();
            resources.add(worker);
        }

        Path uploads = Files.createDirectories(work.resolve("uploads"));
        long maxUpload = UploadLimits.defaults().maxCompressedBytes();
        app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            cfg.http.maxRequestSize = 16L << 20;
            cfg.jetty.multipartConfig.cacheDirectory(uploads.toString());
            // Jetty refuses larger uploads before they are read; the dataset store checks the unpacked size.
            cfg.jetty.multipartConfig.maxFileSize(maxUpload, SizeUnit.BYTES);
            cfg.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
            cfg.jetty.multipartConfig.maxTotalRequestSize(maxUpload + (1 << 20), SizeUnit.BYTES);
        });
        HttpErrors.install(app);
        new BearerAuth(token, BearerAuth.defaultPublicPaths()).install(app);
        List<Routes> routes = List.of(new HealthRoutes(ds), new ServingRoutes(deployments),
                new DatasetRoutes(datasets), new TrainingRoutes(training), new JobRoutes(jobs),
                new MlflowRoutes(tracking, registry));
        routes.forEach(r -> r.addTo(app));
        app.start(s.port());
    }

    /** Builds and starts a node; on failure everything already opened is closed again. */
    public static ChimpNode start(NodeSettings settings) throws IOException {
        return new ChimpNode(settings);
    }

    /** The port the HTTP app listens on (useful with port 0). */
    public int port() {
        return app.port();
    }

    /** The admin token callers must send. */
    public String token() {
        return token;
    }

    private static Broker brokerFor(String url, javax.sql.DataSource ds) {
        if (url == null || url.equals("embedded")) {
            return new EmbeddedBroker(ds, Duration.ofSeconds(30));
        }
        throw new IllegalArgumentException("Broker '" + url + "' is not supported by this build; use 'embedded' "
                + "(Redis Streams and RabbitMQ brokers are being added)");
    }

    @Override
    public void close() {
        app.stop();
        // Worker first (it may still store results), the database last.
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", resources.get(i).getClass().getSimpleName(), e.toString());
            }
        }
    }
}
