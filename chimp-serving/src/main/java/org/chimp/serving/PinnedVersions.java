package org.chimp.serving;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.tracking.registry.ModelVersion;
import org.chimp.tracking.registry.RegistryEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registered versions leased by number rather than by stage (on-chain jobs pinned to one version, a user's personal
 * version), loaded on their first use; the {@code capacity} most recently used stay loaded. An evicted, deleted or closed-over version is
 * released, so its model closes when its last open {@link Lease} does, never under a running request.
 */
final class PinnedVersions {
    private static final Logger LOG = LoggerFactory.getLogger(PinnedVersions.class);

    private final ModelRegistry registry;
    private final Function<ModelVersion, Deployments.Loaded> build;
    private final int capacity;
    private final boolean personal;
    /** Access order: the first entry is the least recently used. Guarded by {@code this}. */
    private final LinkedHashMap<Key, Deployments.Loaded> cache = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;
    /** Counts removals, so a version deleted while it was being built is not cached afterwards. Guarded by {@code this}. */
    private long removals;

    /** @param personal whether the versions are users' personal versions (their leases say so) */
    PinnedVersions(ModelRegistry registry, Function<ModelVersion, Deployments.Loaded> build, int capacity, boolean personal) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.registry = registry;
        this.build = build;
        this.capacity = capacity;
        this.personal = personal;
    }

    /** Leases one version; 404 if the model or version does not exist, 409 if it cannot be built. */
    Lease get(String name, int version) {
        Key key = new Key(name, version);
        long removalsBefore;
        synchronized (this) {
            Deployments.Loaded hit = cache.get(key);
            if (hit != null && hit.retain()) {
                return new Lease(hit, null, personal);
            }
            removalsBefore = removals;
        }
        // Built outside the lock so a slow load does not hold up leases of loaded versions.
        Deployments.Loaded built = build.apply(registry.version(name, version));
        List<Deployments.Loaded> evicted = new ArrayList<>();
        Lease lease;
        synchronized (this) {
            Deployments.Loaded raced = cache.get(key);
            if (raced != null && raced.retain()) {
                evicted.add(built); // another request loaded it meanwhile: use theirs
                lease = new Lease(raced, null, personal);
            } else {
                built.retain();
                lease = new Lease(built, null, personal);
                if (closed || removals != removalsBefore) {
                    evicted.add(built); // only the lease keeps it: closing, or it may have been deleted meanwhile
                } else {
                    cache.put(key, built);
                    Iterator<Map.Entry<Key, Deployments.Loaded>> eldest = cache.entrySet().iterator();
                    while (cache.size() > capacity) {
                        evicted.add(eldest.next().getValue());
                        eldest.remove();
                    }
                }
            }
        }
        evicted.forEach(Deployments.Loaded::release);
        return lease;
    }

    /** Drops deleted versions; refreshes the registry record of a version whose stage changed (for metadata). */
    void onEvent(RegistryEvent event) {
        switch (event.type()) {
            case VERSION_DELETED -> remove(k -> k.name().equals(event.name()) && k.version() == event.version());
            case MODEL_DELETED -> remove(k -> k.name().equals(event.name()));
            case STAGE_CHANGED -> {
                Deployments.Loaded l;
                synchronized (this) {
                    l = cache.get(new Key(event.name(), event.version()));
                }
                if (l != null) {
                    try {
                        l.update(registry.version(event.name(), event.version()));
                    } catch (RuntimeException e) {
                        LOG.debug("Could not refresh pinned model '{}' version {}: {}", event.name(), event.version(), e.getMessage());
                    }
                }
            }
            default -> { }
        }
    }

    /** Which versions are loaded, least recently used first. */
    synchronized List<ModelVersion> loaded() {
        return cache.values().stream().map(Deployments.Loaded::version).toList();
    }

    /** Releases every version; leased ones close when their last lease does. Later leases are not cached. */
    void close() {
        List<Deployments.Loaded> all;
        synchronized (this) {
            closed = true;
            all = List.copyOf(cache.values());
            cache.clear();
        }
        all.forEach(Deployments.Loaded::release);
    }

    private void remove(Predicate<Key> which) {
        List<Deployments.Loaded> removed = new ArrayList<>();
        synchronized (this) {
            removals++;
            cache.entrySet().removeIf(e -> which.test(e.getKey()) && removed.add(e.getValue()));
        }
        removed.forEach(Deployments.Loaded::release);
    }

    private record Key(String name, int version) {
    }
}
