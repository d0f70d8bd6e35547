package org.chimp.training.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.chimp.api.error.ClientErrorException;
import org.chimp.training.TrainingPlugin;

/** The training plugins this process knows, by name: the built-ins and those in the plugins folder. */
public final class PluginRegistry {
    private final Map<String, TrainingPlugin> plugins = new TreeMap<>();

    /** A registry of exactly these plugins; two with the same name are a configuration error. */
    public PluginRegistry(List<? extends TrainingPlugin> plugins) {
        for (TrainingPlugin p : plugins) {
            String name = p.info().name();
            TrainingPlugin before = this.plugins.putIfAbsent(name, p);
            if (before != null) {
                throw new IllegalStateException("Two training plugins are named '" + name + "': "
                        + before.getClass().getName() + " and " + p.getClass().getName() + "; remove one from the plugins folder");
            }
        }
    }

    /** Every plugin registered in {@code META-INF/services/org.chimp.training.TrainingPlugin} visible to the loader. */
    public static PluginRegistry load(ClassLoader loader) {
        List<TrainingPlugin> found = new ArrayList<>();
        ServiceLoader.load(TrainingPlugin.class, loader).forEach(found::add);
        return new PluginRegistry(found);
    }

    /** The plugin names, sorted. */
    public List<String> names() {
        return List.copyOf(plugins.keySet());
    }

    /** The plugins, sorted by name. */
    public List<TrainingPlugin> plugins() {
        return List.copyOf(plugins.values());
    }

    /** The plugin, or a 404 that lists the known ones. */
    public TrainingPlugin find(String name) {
        TrainingPlugin p = plugins.get(name);
        if (p == null) {
            throw ClientErrorException.notFound("There is no training plugin '" + name + "'; known plugins: "
                    + (plugins.isEmpty() ? "none" : String.join(", ", plugins.keySet())));
        }
        return p;
    }
}
