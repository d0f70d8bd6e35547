package org.chimp.serving;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.chimp.api.Architectures;
import org.chimp.api.TaskModel;
import org.chimp.api.error.ClientErrorException;
import org.chimp.serving.metrics.InferenceTimer;
import org.chimp.store.ArtifactStore;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.tracking.registry.ModelVersion;
import org.chimp.tracking.registry.RegistryEvent;
import org.chimp.tracking.registry.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models this serving process answers with, one per (model name, stage). A deployment is loaded on its first
 * request; afterwards registry changes reload it in the background, on one thread, and swap it in atomically, so
 * requests never wait for a load and the old version answers until the new one is ready (or keeps answering if
 * the new one fails to load). Models are reference-counted through {@link Lease}s and closed only when the last
 * request using a replaced version has finished. CHIMP's original loaded lazily and never reloaded on its own.
 */
public final class Deployments implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Deployments.class);
    /**
     * How long requests get the remembered 409 of a version that failed to load before one of them tries again:
     * building a model reads its artifacts and starts an ONNX session, too much to repeat for every request.
     * Registry changes and {@link #reload()} try again at once.
     */
    static final long LOAD_RETRY_SECONDS = 30;
    /**
     * Version tag naming the user a personal (calibrated) version belongs to; the emotion-calibration plugin sets it
     * (the same literal there: serving imports no plugin).
     */
    public static final String USER_TAG = "chimp.user";
    /** How many personal versions stay loaded by default; the least recently used one goes first. */
    public static final int DEFAULT_MAX_PERSONAL = 16;
    /** How many versions leased by number ({@link #get(String, int)}) stay loaded, least recently used evicted. */
    static final int PINNED_VERSIONS = 8;

    private final ModelRegistry registry;
    private final ArtifactStore artifacts;
    private final Architectures architectures;
    private final Map<Key, Slot> slots = new ConcurrentHashMap<>();
    private final Set<String> pendingNames = ConcurrentHashMap.newKeySet();
    private final Set<Key> pendingLoads = ConcurrentHashMap.newKeySet();
    private final PinnedVersions pinned;
    private volatile boolean closed;
    /** Times model runs made through leases (see {@link Lease#timed}); a process without metrics times nothing. */
    private volatile InferenceTimer runTimer = InferenceTimer.NONE;
    /** Personal (calibrated) versions, leased by number for their user. */
    private final PinnedVersions personal;
    private final ExecutorService reloader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "chimp-deployments-reload");
        t.setDaemon(true);
        return t;
    });

    public Deployments(ModelRegistry registry, ArtifactStore artifacts, Architectures architectures) {
        this(registry, artifacts, architectures, DEFAULT_MAX_PERSONAL);
    }

    /** @param maxPersonal personal versions kept loaded at most (least recently used unloaded first), at least 1 */
    public Deployments(ModelRegistry registry, ArtifactStore artifacts, Architectures architectures, int maxPersonal) {
        if (maxPersonal < 1) {
            throw new IllegalArgumentException("At least one personal model must fit in memory, got " + maxPersonal);
        }
        this.registry = registry;
        this.artifacts = artifacts;
        this.architectures = architectures;
        this.personal = new PinnedVersions(registry, this::build, maxPersonal, true);
        this.pinned = new PinnedVersions(registry, this::build, PINNED_VERSIONS, false);
        registry.addListener(this::onEvent);
    }

    /**
     * Leases what answers {@code user}: their newest personal version of the model if they have one (loaded on
     * demand, kept among the most recently used), else the stage's version as {@link #get(String, Stage)}.
     * {@code user} null means nobody in particular.
     */
    public Lease get(String name, Stage stage, String user) {
        if (user == null) {
            return get(name, stage);
        }
        if (!registry.exists(name)) {
            throw ClientErrorException.notFound("no registered model '" + name + "'");
        }
        Optional<ModelVersion> mine = registry.newestTagged(name, USER_TAG, user);
        return mine.isEmpty() ? get(name, stage) : personal.get(name, mine.get().version());
    }

    /** Times the model runs of versions loaded from now on (call before the first request). */
    public void timeRunsWith(InferenceTimer timer) {
        runTimer = timer;
    }

    /** The personal versions loaded now, least recently used first, as {@code name/version}. */
    public List<String> loadedPersonal() {
        return personal.loaded().stream().map(v -> v.name() + "/" + v.version()).toList();
    }

    /**
     * Leases the deployment of a model's newest version in a stage, loading it now if this is its first use.
     * 404 if the model is not registered or has no version in that stage; 409 if the version cannot be built.
     */
    public Lease get(String name, Stage stage) {
        Key key = new Key(name, stage);
        Slot slot = slots.get(key);
        if (slot == null) {
            if (!registry.exists(name)) {
                throw ClientErrorException.notFound("no registered model '" + name + "'");
            }
            slot = slots.computeIfAbsent(key, Slot::new);
        }
        while (true) {
            Loaded loaded = slot.current;
            if (loaded == null) {
                loaded = slot.loadIfEmpty();
            }
            if (loaded.retain()) {
                return new Lease(loaded, slot.failed);
            }
            // Swapped out and fully released between the read and the retain: the slot already has its successor.
        }
    }

    /**
     * Leases one registered version, whatever its stage (on-chain jobs are pinned to a version), loading it now if
     * it is not among the {@value #PINNED_VERSIONS} most recently leased this way. 404 if the model or version does
     * not exist; 409 if the version cannot be built.
     */
    public Lease get(String name, int version) {
        return pinned.get(name, version);
    }

    /**
     * Brings every deployment, and the Production deployment of every registered model, up to date with the
     * registry, waiting until done. Returns the names whose served version changed.
     */
    public List<String> reload() {
        CompletableFuture<List<String>> done = CompletableFuture.supplyAsync(() -> {
            Set<Key> keys = new LinkedHashSet<>(slots.keySet());
            registry.names().forEach(n -> keys.add(new Key(n, Stage.PRODUCTION)));
            Set<String> updated = new LinkedHashSet<>();
            for (Key key : keys) {
                if (refreshQuietly(slots.computeIfAbsent(key, Slot::new))) {
                    updated.add(key.name());
                }
            }
            return List.copyOf(updated);
        }, reloader);
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reloading models", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Reloading models failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** What is loaded now, sorted by name and stage. */
    public List<LoadedModel> loaded() {
        List<LoadedModel> out = new ArrayList<>();
        slots.forEach((key, slot) -> {
            Loaded l = slot.current;
            if (l != null) {
                ModelVersion v = l.version();
                out.add(new LoadedModel(key.name(), key.stage().mlflowName(), v.version(), v.stage().mlflowName(), slot.failed));
            }
        });
        out.sort(Comparator.comparing(LoadedModel::name).thenComparing(LoadedModel::stage));
        return out;
    }

    /**
     * Whether each registered model with a Production version can answer: ready when a version of it is loaded
     * (an older one still answering while a newer one fails to load counts, with the failure as the reason).
     * Models not loaded yet are queued for loading, so readiness turns true once they are, without a request.
     * A model whose Production version failed to load is not retried here: registry changes and
     * {@code GET /model?reload_models=true} retry it.
     */
    public List<ModelReadiness> readiness() {
        List<ModelReadiness> out = new ArrayList<>();
        for (String name : registry.names()) {
            Key key = new Key(name, Stage.PRODUCTION);
            latest(key).ifPresent(v -> out.add(readiness(key, v))); // no version: nothing to serve, nothing to wait for
        }
        return out;
    }

    /**
     * Whether one model's Production version answers, as {@link #readiness()} tells it (without loading it on this
     * thread: a version not loaded yet is queued and reported as loading). 404 for an unknown model.
     */
    public ModelReadiness readiness(String name) {
        if (!registry.exists(name)) {
            throw ClientErrorException.notFound("no registered model '" + name + "'");
        }
        Key key = new Key(name, Stage.PRODUCTION);
        return latest(key).map(v -> readiness(key, v))
                .orElseGet(() -> new ModelReadiness(name, false, "model '" + name + "' has no version in stage Production"));
    }

    private ModelReadiness readiness(Key key, ModelVersion v) {
        Slot slot = slots.computeIfAbsent(key, Slot::new);
        Loaded l = slot.current;
        FailedLoad failed = slot.failed;
        if (l != null) {
            return new ModelReadiness(key.name(), true, failed == null ? null
                    : failed.message() + "; version " + l.version().version() + " keeps answering");
        }
        if (failed != null && failed.version() == v.version()) {
            return new ModelReadiness(key.name(), false, failed.message());
        }
        queueLoad(key);
        return new ModelReadiness(key.name(), false, "version " + v.version() + " (Production) is loading");
    }

    /** The architectures deployments are built with. */
    public Architectures architectures() {
        return architectures;
    }

    /** The names of all registered models. */
    public List<String> available() {
        return registry.names();
    }

    /** Completes when every reload queued so far has finished. */
    public CompletableFuture<Void> idle() {
        return CompletableFuture.runAsync(() -> { }, reloader);
    }

    /**
     * Reacts to a registry change by queueing reloads of the model's deployments. Called by this process's
     * registry, and by the event bus for changes made in other processes; duplicates are merged.
     */
    public void onEvent(RegistryEvent event) {
        if (closed || event.type() == RegistryEvent.Type.VERSION_CREATED) {
            return; // a new version starts in stage None, which nothing serves
        }
        for (PinnedVersions byNumber : List.of(pinned, personal)) {
            if (event.type() == RegistryEvent.Type.STAGE_CHANGED) {
                reloader.execute(() -> byNumber.onEvent(event)); // reads the registry: not on the caller's thread
            } else {
                byNumber.onEvent(event);
            }
        }
        // One promotion emits several events (the new version in, the old one archived); one refresh covers them all.
        if (pendingNames.add(event.name())) {
            reloader.execute(() -> {
                pendingNames.remove(event.name());
                slots.values().stream().filter(s -> s.key.name().equals(event.name())).forEach(this::refreshQuietly);
            });
        }
    }

    /** Stops reloading and releases every deployment; models still leased close when their last lease does. */
    @Override
    public void close() {
        closed = true;
        reloader.shutdownNow();
        slots.values().forEach(Slot::unload);
        personal.close();
        pinned.close();
    }

    private void queueLoad(Key key) {
        if (closed || !pendingLoads.add(key)) {
            return;
        }
        try {
            reloader.execute(() -> {
                pendingLoads.remove(key);
                refreshQuietly(slots.computeIfAbsent(key, Slot::new));
            });
        } catch (RejectedExecutionException e) {
            pendingLoads.remove(key); // closing
        }
    }

    private boolean refreshQuietly(Slot slot) {
        try {
            return slot.refresh();
        } catch (RuntimeException e) {
            Loaded l = slot.current;
            LOG.warn("Could not reload model '{}' ({}); {}: {}", slot.key.name(), slot.key.stage().mlflowName(),
                    l == null ? "nothing is served" : "version " + l.version().version() + " keeps answering",
                    e.getMessage(), e instanceof ClientErrorException ? null : e);
            return false;
        }
    }

    private Optional<ModelVersion> latest(Key key) {
        try {
            return registry.latest(key.name(), key.stage());
        } catch (ClientErrorException e) {
            if (e.status() == 404) {
                return Optional.empty(); // the model was deleted
            }
            throw e;
        }
    }

    /**
     * Builds a version's model. Every failure is a 409 naming the version; the message shows the config problems
     * the architecture reports (which name no server paths) and nothing of other failures (I/O, a corrupt
     * artifact), which the log has in full.
     */
    Loaded build(ModelVersion v) {
        String what = "model '" + v.name() + "' version " + v.version() + " (" + v.stage().mlflowName() + ") cannot be loaded: ";
        if (v.config() == null) {
            // Versions registered through MLflow's API without a CHIMP model config have nothing to build from.
            throw ClientErrorException.conflict(what + "it has no CHIMP model config (chimp-model.json "
                    + "next to the model in the run's artifacts); register models through a training plugin or "
                    + "log that file with the model");
        }
        TaskModel<?, ?> model;
        try {
            // Whatever task the config names: the task's data types carry requests to the model and back.
            model = architectures.build(v.config(), artifacts);
        } catch (ClientErrorException e) {
            // The registered config is at fault, not the request that happened to trigger the load.
            LOG.warn("{}{}", what, e.getMessage(), e.getCause());
            throw ClientErrorException.conflict(what + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("{}{}", what, e.getMessage(), e);
            throw ClientErrorException.conflict(what + "its artifacts could not be read; the server log has the details");
        }
        return new Loaded(new Deployment(v, model), runTimer);
    }

    /** The registry's current record of a served version (its stage may have changed); the old one if unreadable. */
    private ModelVersion current(ModelVersion served) {
        try {
            return registry.version(served.name(), served.version());
        } catch (RuntimeException e) {
            return served;
        }
    }

    private record Key(String name, Stage stage) {
    }

    /** One (name, stage) and what it serves; loads and swaps are serialized per slot. */
    private final class Slot {
        final Key key;
        volatile Loaded current;
        /** The last version that failed to load for this slot, until one loads or the registry moves on. */
        volatile FailedLoad failed;
        volatile long failedAt;

        Slot(Key key) {
            this.key = key;
        }

        synchronized Loaded loadIfEmpty() {
            if (current == null) {
                ModelVersion v = latest(key).orElseThrow(() -> key.stage() == Stage.PRODUCTION || key.stage() == Stage.STAGING
                        ? ClientErrorException.notFound("model '" + key.name() + "' has no version in stage " + key.stage().mlflowName()
                                + "; promote one with POST /api/2.0/mlflow/model-versions/transition-stage")
                        : ClientErrorException.notFound("model '" + key.name() + "' has no version in stage " + key.stage().mlflowName()));
                FailedLoad f = failed;
                if (f != null && f.version() == v.version() && System.nanoTime() - failedAt < TimeUnit.SECONDS.toNanos(LOAD_RETRY_SECONDS)) {
                    throw ClientErrorException.conflict(f.message());
                }
                current = load(v);
                LOG.info("Serving model '{}' version {} ({})", key.name(), v.version(), key.stage().mlflowName());
            }
            return current;
        }

        /**
         * Loads the registry's current version if it differs from the served one; true if anything changed. When
         * the new version fails to load, the served one keeps answering, with its registry record refreshed (its
         * stage is now Archived, say) and the failure remembered, so listings and metadata tell the truth.
         */
        synchronized boolean refresh() {
            Optional<ModelVersion> v = latest(key);
            Loaded old = current;
            if (v.isPresent() && old != null && old.version().version() == v.get().version()) {
                old.update(v.get());
                failed = null;
                return false;
            }
            if (v.isEmpty() && old == null) {
                failed = null;
                return false;
            }
            Loaded next = null;
            if (v.isPresent()) {
                try {
                    next = load(v.get());
                } catch (RuntimeException e) {
                    if (old != null) {
                        old.update(current(old.version()));
                    }
                    throw e;
                }
            }
            failed = null;
            current = next;
            if (old != null) {
                old.release();
            }
            LOG.info("Model '{}' ({}): now {}, was {}", key.name(), key.stage().mlflowName(),
                    next == null ? "nothing" : "version " + v.get().version(),
                    old == null ? "nothing" : "version " + old.version().version());
            return true;
        }

        /** Builds a version, remembering a failure for listings and readiness. */
        private Loaded load(ModelVersion v) {
            try {
                Loaded l = build(v);
                failed = null;
                return l;
            } catch (ClientErrorException e) {
                failedAt = System.nanoTime();
                failed = new FailedLoad(v.version(), key.stage().mlflowName(), e.getMessage());
                throw e;
            }
        }

        synchronized void unload() {
            Loaded old = current;
            current = null;
            if (old != null) {
                old.release();
            }
        }
    }

    /** A deployment with a reference count: one for its slot, one per open lease; the model closes at zero. */
    static final class Loaded {
        private final Deployment deployment;
        private final InferenceTimer timer;
        private final RunQueue queue;
        private final AtomicInteger refs = new AtomicInteger(1);
        private volatile ModelVersion version;

        Loaded(Deployment deployment, InferenceTimer timer) {
            this.deployment = deployment;
            this.timer = timer;
            this.version = deployment.version();
            ModelVersion v = deployment.version();
            String what = "Model '" + v.name() + "' version " + v.version();
            this.queue = new RunQueue(what, QueueConfig.of(what, v.tags()));
        }

        RunQueue queue() {
            return queue;
        }

        InferenceTimer timer() {
            return timer;
        }

        Deployment deployment() {
            return deployment;
        }

        /** The registry's record of the served version as last seen: its stage can change while it is served. */
        ModelVersion version() {
            return version;
        }

        void update(ModelVersion now) {
            version = now;
        }

        boolean retain() {
            while (true) {
                int r = refs.get();
                if (r == 0) {
                    return false;
                }
                if (refs.compareAndSet(r, r + 1)) {
                    return true;
                }
            }
        }

        void release() {
            if (refs.decrementAndGet() == 0) {
                try {
                    deployment.model().close();
                } catch (RuntimeException e) {
                    LOG.warn("Closing model '{}' version {} failed: {}", deployment.version().name(),
                            deployment.version().version(), e.getMessage(), e);
                }
            }
        }
    }
}
