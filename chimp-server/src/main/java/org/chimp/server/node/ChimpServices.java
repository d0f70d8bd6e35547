package org.chimp.server.node;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.chimp.api.Architectures;
import org.chimp.chain.ChainService;
import org.chimp.chain.ChainSettings;
import org.chimp.api.vision.FaceDetection;
import org.chimp.db.Database;
import org.chimp.jobs.Brokers;
import org.chimp.jobs.JobService;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.events.EventBus;
import org.chimp.jobs.events.EventBuses;
import org.chimp.jobs.events.InProcessEventBus;
import org.chimp.serving.Deployments;
import org.chimp.store.ArtifactStore;
import org.chimp.store.BlobStore;
import org.chimp.store.DatasetStore;
import org.chimp.store.BlobStores;
import org.chimp.store.DatasetCache;
import org.chimp.store.UploadLimits;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.registry.Lineage;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.training.runner.PluginRegistry;
import org.chimp.training.runner.TrainingService;
import org.chimp.web.identity.Identity;
import org.chimp.training.triggers.Triggers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared state of one CHIMP process: database, stores, registry, broker, job service and training service,
 * opened from {@link NodeSettings}. Serving deployments are created on first use, so a process without the
 * serving role never loads models. Closing releases everything in reverse order of opening.
 */
public final class ChimpServices implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChimpServices.class);

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final Path dataDir;
    private final HikariDataSource ds;
    private final BlobStore blobs;
    private final DatasetStore datasets;
    private final ArtifactStore artifacts;
    private final TrackingStore tracking;
    private final ModelRegistry registry;
    private final Broker broker;
    private final JobService jobs;
    private final PluginRegistry plugins;
    private final TrainingService training;
    private final Triggers triggers;
    private final EventBus events;
    private final Identity identity;
    private Deployments deployments;
    private ChainService chain;
    private final int maxPersonalModels;
    private final Path faceCascade;
    private final String invocationsModel;
    private FaceDetection faceDetection;

    private ChimpServices(NodeSettings s) throws IOException {
        dataDir = s.dataDir().toAbsolutePath();
        maxPersonalModels = s.models().maxPersonalModels();
        faceCascade = s.models().faceCascade();
        invocationsModel = s.models().invocationsModel();
        try {
            Files.createDirectories(workDir());
            ds = track(Database.open(s.jdbcUrl()));
            blobs = BlobStores.open(s.store(), dataDir.resolve("store"), s.s3());
            if (blobs instanceof AutoCloseable c) {
                track(c);
            }
            artifacts = new ArtifactStore(blobs, dataDir.resolve("cache").resolve("artifacts"));
            datasets = new DatasetStore(ds, blobs, UploadLimits.defaults(), workDir(),
                    new DatasetCache(dataDir.resolve("cache").resolve("datasets"), s.datasetCacheBytes()));
            // Before serving: remove what uploads killed with an earlier process left (files, unpack directories).
            datasets.recover();
            tracking = new TrackingStore(ds, blobs, artifacts);
            identity = Identity.open(ds);
            registry = new ModelRegistry(ds, artifacts);
            // A dataset version that a model version's lineage names is not deleted without force=true.
            Lineage lineage = new Lineage(ds);
            datasets.setUsage(v -> lineage.modelVersionsUsing(v.ref()));
            broker = track(Brokers.open(s.broker(), ds));
            jobs = new JobService(ds, broker);
            keepDjlCacheInDataDir();
            Path pluginsDir = s.models().pluginsDir() == null ? dataDir.resolve("plugins") : s.models().pluginsDir();
            Files.createDirectories(pluginsDir);
            plugins = PluginRegistry.load(ChimpServices.class.getClassLoader(), pluginsDir);
            training = new TrainingService(plugins, datasets, jobs);
            triggers = new Triggers(ds, training, datasets::resolve);
            events = track(EventBuses.open(s.broker()));
            if (crossProcessEvents()) {
                RegistryEventRelay.publishChanges(registry, events);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * DJL unpacks the native PyTorch library (about 430 MB) the first time the emotion-cnn plugin trains: into the
     * data directory rather than ~/.djl.ai, unless DJL_CACHE_DIR says otherwise.
     */
    private void keepDjlCacheInDataDir() {
        if (System.getenv("DJL_CACHE_DIR") == null && System.getProperty("DJL_CACHE_DIR") == null) {
            System.setProperty("DJL_CACHE_DIR", dataDir.resolve("cache").resolve("djl").toString());
        }
    }

    /** Opens every backend; on failure, what was already opened is closed again. */
    public static ChimpServices open(NodeSettings settings) throws IOException {
        return new ChimpServices(settings);
    }

    private <T extends AutoCloseable> T track(T resource) {
        opened.add(resource);
        return resource;
    }

    /** Scratch space under the data directory (uploads, unpacked datasets, training runs). */
    public Path workDir() {
        return dataDir.resolve("tmp");
    }

    public DataSource dataSource() {
        return ds;
    }

    public BlobStore blobs() {
        return blobs;
    }

    public DatasetStore datasets() {
        return datasets;
    }

    public ArtifactStore artifacts() {
        return artifacts;
    }

    public TrackingStore tracking() {
        return tracking;
    }

    public ModelRegistry registry() {
        return registry;
    }

    public Broker broker() {
        return broker;
    }

    public JobService jobs() {
        return jobs;
    }

    /** Users, API tokens and browser sessions. */
    public Identity identity() {
        return identity;
    }

    public PluginRegistry plugins() {
        return plugins;
    }

    public TrainingService training() {
        return training;
    }

    /** Connects this process to a chain (the sequencer starts with {@link ChainService#start}). */
    public synchronized ChainService attachChain(ChainSettings settings) throws IOException {
        if (chain == null) {
            chain = track(ChainWiring.open(this, settings));
        }
        return chain;
    }

    /** The chain this process sequences, if any. */
    public synchronized Optional<ChainService> chain() {
        return Optional.ofNullable(chain);
    }

    /** The retraining triggers. */
    public Triggers triggers() {
        return triggers;
    }

    /** The embedded broker serves one process: its registry listeners already reach every deployment. */
    private boolean crossProcessEvents() {
        return !(events instanceof InProcessEventBus);
    }

    /** The serving deployments, created on first use. */
    public synchronized Deployments deployments() {
        if (deployments == null) {
            deployments = track(new Deployments(registry, artifacts, Architectures.load(), maxPersonalModels));
            if (crossProcessEvents()) {
                track(RegistryEventRelay.deliverChanges(events, deployments));
            }
        }
        return deployments;
    }

    /** "Face detection is on (...)" or "... is off: why", for a process that serves; empty for one that does not. */
    public synchronized java.util.Optional<String> faceDetectionNotice() {
        if (deployments == null) {
            return java.util.Optional.empty();
        }
        String s = faceDetection().status();
        return java.util.Optional.of(Character.toUpperCase(s.charAt(0)) + s.substring(1));
    }

    /** Face detection for serving, opened on first use; its status (on, or off and why) is logged once. */
    /** The model MLflow's {@code POST /invocations} runs, or null for none. */
    public String invocationsModel() {
        return invocationsModel;
    }

    public synchronized FaceDetection faceDetection() {
        if (faceDetection == null) {
            faceDetection = FaceDetection.load(ChimpServices.class.getClassLoader(), faceCascade);
            if (faceDetection.on()) {
                LOG.info("{}", faceDetection.status());
            } else {
                LOG.warn("{}; POST /model/{{name}}/faces answers 503 until it is fixed", faceDetection.status());
            }
        }
        return faceDetection;
    }

    @Override
    public void close() {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", opened.get(i).getClass().getSimpleName(), e.toString());
            }
        }
    }
}
