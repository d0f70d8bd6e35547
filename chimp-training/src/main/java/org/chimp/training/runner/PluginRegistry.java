package org.chimp.training.runner;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.chimp.api.error.ClientErrorException;
import org.chimp.training.TrainingPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training plugins this process knows, by name: the built-ins and those in the plugins folder. Jars dropped
 * into (or removed from) the folder are picked up without a restart: the folder is looked at again when asked for
 * plugins, at most once a second, and reloaded when its jars changed (name, size or modification time). Each jar
 * gets its own class loader over this one, so a plugin sees chimp-api and chimp-training. A jar that cannot be
 * loaded, or whose plugin takes a name already used, is skipped with a warning; built-ins always win.
 */
public final class PluginRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);
    /** How long a look at the plugins folder is trusted before looking again. */
    private static final long RESCAN_NANOS = 1_000_000_000L;
    private final long rescanNanos;

    private final Map<String, TrainingPlugin> builtIns = new TreeMap<>();
    private final Path dir;
    private final ClassLoader parent;
    private volatile Map<String, TrainingPlugin> plugins;
    private String folderState = "";
    private long lookedAt = System.nanoTime() - (1L << 62);

    /** A registry of exactly these plugins; two with the same name are a configuration error. */
    public PluginRegistry(List<? extends TrainingPlugin> plugins) {
        this(plugins, null, PluginRegistry.class.getClassLoader(), RESCAN_NANOS);
    }

    private PluginRegistry(List<? extends TrainingPlugin> builtIns, Path dir, ClassLoader parent, long rescanNanos) {
        this.rescanNanos = rescanNanos;
        for (TrainingPlugin p : builtIns) {
            String name = p.info().name();
            TrainingPlugin before = this.builtIns.putIfAbsent(name, p);
            if (before != null) {
                throw new IllegalStateException("Two training plugins are named '" + name + "': "
                        + before.getClass().getName() + " and " + p.getClass().getName() + "; remove one from the plugins folder");
            }
        }
        this.dir = dir;
        this.parent = parent;
        this.plugins = Collections.unmodifiableMap(new TreeMap<>(this.builtIns));
    }

    /** Every plugin registered in {@code META-INF/services/org.chimp.training.TrainingPlugin} visible to the loader. */
    public static PluginRegistry load(ClassLoader loader) {
        return load(loader, null);
    }

    /** The loader's plugins and those of the jars in {@code pluginsDir} (null: none), which is watched for changes. */
    public static PluginRegistry load(ClassLoader loader, Path pluginsDir) {
        return load(loader, pluginsDir, RESCAN_NANOS);
    }

    /** As {@link #load(ClassLoader, Path)}, looking at the folder again after {@code rescanNanos} (tests: 0, every time). */
    static PluginRegistry load(ClassLoader loader, Path pluginsDir, long rescanNanos) {
        List<TrainingPlugin> found = new ArrayList<>();
        ServiceLoader.load(TrainingPlugin.class, loader).forEach(found::add);
        PluginRegistry r = new PluginRegistry(found, pluginsDir, loader, rescanNanos);
        r.current();
        return r;
    }

    /** The plugin names, sorted. */
    public List<String> names() {
        return List.copyOf(current().keySet());
    }

    /** The plugins, sorted by name. */
    public List<TrainingPlugin> plugins() {
        return List.copyOf(current().values());
    }

    /** The plugin, or a 404 that lists the known ones. */
    public TrainingPlugin find(String name) {
        Map<String, TrainingPlugin> now = current();
        TrainingPlugin p = now.get(name);
        if (p == null) {
            throw ClientErrorException.notFound("There is no training plugin '" + shown(name) + "'; known plugins: "
                    + (now.isEmpty() ? "none" : String.join(", ", now.keySet())));
        }
        return p;
    }

    /** The plugins now, reloading the folder's jars if they changed since it was last looked at. */
    private synchronized Map<String, TrainingPlugin> current() {
        if (dir == null || System.nanoTime() - lookedAt < rescanNanos) {
            return plugins;
        }
        lookedAt = System.nanoTime();
        List<Path> jars = jars();
        StringBuilder state = new StringBuilder();
        for (Path jar : jars) {
            try {
                state.append(jar.getFileName()).append(':').append(Files.size(jar)).append(':')
                        .append(Files.getLastModifiedTime(jar).toMillis()).append('\n');
            } catch (IOException e) {
                state.append(jar.getFileName()).append(":gone\n");
            }
        }
        if (!state.toString().equals(folderState)) {
            folderState = state.toString();
            plugins = loadJars(jars);
        }
        return plugins;
    }

    private List<Path> jars() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.jar")) {
            s.forEach(jars::add);
        } catch (IOException e) {
            LOG.warn("Could not list the plugins folder {}: {}", dir, e.toString());
        }
        jars.sort(null);
        return jars;
    }

    private Map<String, TrainingPlugin> loadJars(List<Path> jars) {
        Map<String, TrainingPlugin> all = new TreeMap<>(builtIns);
        for (Path jar : jars) {
            List<TrainingPlugin> found = new ArrayList<>();
            try {
                URLClassLoader loader = new URLClassLoader("plugin-" + jar.getFileName(), new URL[] {jar.toUri().toURL()}, parent);
                for (TrainingPlugin p : ServiceLoader.load(TrainingPlugin.class, loader)) {
                    if (p.getClass().getClassLoader() == loader) { // not a built-in seen through the parent
                        found.add(p);
                    }
                }
            } catch (MalformedURLException | ServiceConfigurationError | LinkageError | RuntimeException e) {
                LOG.warn("Skipping plugin jar {}: it could not be loaded ({})", jar.getFileName(), e.toString());
                continue;
            }
            for (TrainingPlugin p : found) {
                String name;
                try {
                    name = p.info().name();
                } catch (RuntimeException | LinkageError e) {
                    LOG.warn("Skipping a plugin of {}: its info() failed ({})", jar.getFileName(), e.toString());
                    continue;
                }
                if (all.putIfAbsent(name, p) != null) {
                    LOG.warn("Skipping plugin '{}' of {}: a plugin of that name is already loaded", name, jar.getFileName());
                } else {
                    LOG.info("Loaded training plugin '{}' from {}", name, jar.getFileName());
                }
            }
        }
        return Collections.unmodifiableMap(all);
    }

    private static String shown(String s) {
        return s == null ? "null" : s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
