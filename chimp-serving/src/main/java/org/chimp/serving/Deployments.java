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
import java.util.concurrent.atomic.AtomicInteger;
import org.chimp.api.Architectures;
import org.chimp.api.Model;
import org.chimp.api.Tasks;
import org.chimp.api.classification.Classification;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.Image;
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

    private final ModelRegistry registry;
    private final ArtifactStore artifacts;
    private final Architectures architectures;
    private final Map<Key, Slot> slots = new ConcurrentHashMap<>();
    private final Set<String> pendingNames = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private final ExecutorService reloader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "chimp-deployments-reload");
        t.setDaemon(true);
        return t;
    });

    public Deployments(ModelRegistry registry, ArtifactStore artifacts, Architectures architectures) {
        this.registry = registry;
        this.artifacts = artifacts;
        this.architectures = architectures;
        registry.addListener(this::onEvent);
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
                return new Lease(loaded);
            }
            // Swapped out and fully released between the read and the retain: the slot already has its successor.
        }
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
                out.add(new LoadedModel(key.name(), key.stage().mlflowName(), l.deployment().version().version()));
            }
        });
        out.sort(Comparator.comparing(LoadedModel::name).thenComparing(LoadedModel::stage));
        return out;
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
    }

    private boolean refreshQuietly(Slot slot) {
        try {
            return slot.refresh();
        } catch (RuntimeException e) {
            Loaded l = slot.current;
            LOG.warn("Could not reload model '{}' ({}); {}: {}", slot.key.name(), slot.key.stage().mlflowName(),
                    l == null ? "nothing is served" : "version " + l.deployment().version().version() + " keeps answering",
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

    private Loaded build(ModelVersion v) {
        if (v.config() == null) {
            // Versions registered through MLflow's API without a CHIMP model config have nothing to build from.
            throw ClientErrorException.conflict("model '" + v.name() + "' version " + v.version() + " ("
                    + v.stage().mlflowName() + ") cannot be loaded: it has no CHIMP model config (chimp-model.json "
                    + "next to the model in the run's artifacts); register models through a training plugin or "
                    + "log that file with the model");
        }
        Model<Image, Classification> model;
        try {
            model = architectures.build(Tasks.IMAGE_CLASSIFICATION, v.config(), artifacts);
        } catch (ClientErrorException e) {
            // The registered config is at fault, not the request that happened to trigger the load.
            throw ClientErrorException.conflict("model '" + v.name() + "' version " + v.version() + " ("
                    + v.stage().mlflowName() + ") cannot be loaded: " + e.getMessage());
        }
        return new Loaded(new Deployment(v, model));
    }

    private record Key(String name, Stage stage) {
    }

    /** One (name, stage) and what it serves; loads and swaps are serialized per slot. */
    private final class Slot {
        final Key key;
        volatile Loaded current;

        Slot(Key key) {
            this.key = key;
        }

        synchronized Loaded loadIfEmpty() {
            if (current == null) {
                ModelVersion v = latest(key).orElseThrow(() -> key.stage() == Stage.PRODUCTION || key.stage() == Stage.STAGING
                        ? ClientErrorException.notFound("model '" + key.name() + "' has no version in stage " + key.stage().mlflowName()
                                + "; promote one with POST /api/2.0/mlflow/model-versions/transition-stage")
                        : ClientErrorException.notFound("model '" + key.name() + "' has no version in stage " + key.stage().mlflowName()));
                current = build(v);
                LOG.info("Serving model '{}' version {} ({})", key.name(), v.version(), key.stage().mlflowName());
            }
            return current;
        }

        /** Loads the registry's current version if it differs from the served one; true if anything changed. */
        synchronized boolean refresh() {
            Optional<ModelVersion> v = latest(key);
            Loaded old = current;
            if (v.isPresent() && old != null && old.deployment().version().version() == v.get().version()) {
                return false;
            }
            if (v.isEmpty() && old == null) {
                return false;
            }
            Loaded next = v.isPresent() ? build(v.get()) : null;
            current = next;
            if (old != null) {
                old.release();
            }
            LOG.info("Model '{}' ({}): now {}, was {}", key.name(), key.stage().mlflowName(),
                    next == null ? "nothing" : "version " + v.get().version(),
                    old == null ? "nothing" : "version " + old.deployment().version().version());
            return true;
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
        private final AtomicInteger refs = new AtomicInteger(1);

        Loaded(Deployment deployment) {
            this.deployment = deployment;
        }

        Deployment deployment() {
            return deployment;
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
