package org.chimp.jobs.events;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bus's local subscribers and the one thread that calls them, so that a slow handler never blocks a network
 * client's I/O thread, and a failing one never stops the others.
 */
final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private final Map<String, List<Consumer<String>>> handlers = new ConcurrentHashMap<>();
    private final ExecutorService thread;

    Dispatcher(String name) {
        thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** True if this is the topic's first handler (the bus then subscribes on the server). */
    synchronized boolean add(String topic, Consumer<String> handler) {
        List<Consumer<String>> list = handlers.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>());
        list.add(handler);
        return list.size() == 1;
    }

    /** True if that was the topic's last handler (the bus then unsubscribes on the server). */
    synchronized boolean remove(String topic, Consumer<String> handler) {
        List<Consumer<String>> list = handlers.get(topic);
        if (list == null || !list.remove(handler)) {
            return false;
        }
        if (list.isEmpty()) {
            handlers.remove(topic);
            return true;
        }
        return false;
    }

    void dispatch(String topic, String json) {
        List<Consumer<String>> list = handlers.get(topic);
        if (list == null) {
            return;
        }
        try {
            thread.execute(() -> list.forEach(h -> {
                try {
                    h.accept(json);
                } catch (RuntimeException e) {
                    LOG.warn("An event handler on topic {} failed", topic, e);
                }
            }));
        } catch (RejectedExecutionException e) {
            // The bus is closing.
        }
    }

    @Override
    public void close() {
        thread.shutdown();
    }

    static void requireTopic(String topic) {
        if (topic == null || !topic.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("An event topic is letters, digits, '.', '_' or '-', got '" + topic + "'");
        }
    }
}
