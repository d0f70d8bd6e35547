package org.chimp.jobs.events;

import java.util.function.Consumer;

/** The event bus of one process (the embedded setup): subscribers in this JVM only. */
public final class InProcessEventBus implements EventBus {
    private final Dispatcher dispatcher = new Dispatcher("chimp-events");

    @Override
    public void publish(String topic, String json) {
        Dispatcher.requireTopic(topic);
        dispatcher.dispatch(topic, json);
    }

    @Override
    public AutoCloseable subscribe(String topic, Consumer<String> handler) {
        Dispatcher.requireTopic(topic);
        dispatcher.add(topic, handler);
        return () -> dispatcher.remove(topic, handler);
    }

    @Override
    public void close() {
        dispatcher.close();
    }
}
