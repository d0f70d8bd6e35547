package org.chimp.tracking.registry;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The registry's listeners; one failing listener neither stops the others nor fails the change that was committed. */
final class Listeners {
    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);
    private final List<Consumer<RegistryEvent>> listeners = new CopyOnWriteArrayList<>();

    void add(Consumer<RegistryEvent> listener) {
        listeners.add(listener);
    }

    void fire(List<RegistryEvent> events) {
        for (RegistryEvent event : events) {
            for (Consumer<RegistryEvent> l : listeners) {
                try {
                    l.accept(event);
                } catch (RuntimeException e) {
                    LOG.warn("A registry listener failed on {}; the change itself is committed", event, e);
                }
            }
        }
    }
}
