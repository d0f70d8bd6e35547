package org.chimp.server.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.chimp.http.Json;
import org.chimp.jobs.events.EventBus;
import org.chimp.serving.Deployments;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.tracking.registry.RegistryEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries registry changes between processes over the broker's event bus, so a serving process swaps models when
 * a tracking process (or a training worker) changes the registry, without polling. Within one process the
 * registry's own listeners already do this; a process also hears its own events back, which serving merges.
 */
final class RegistryEventRelay {
    static final String TOPIC = "registry";
    private static final Logger LOG = LoggerFactory.getLogger(RegistryEventRelay.class);

    private RegistryEventRelay() {
    }

    /** Publishes every change of this process's registry on the bus. */
    static void publishChanges(ModelRegistry registry, EventBus bus) {
        registry.addListener(event -> {
            try {
                bus.publish(TOPIC, Json.MAPPER.writeValueAsString(event));
            } catch (JsonProcessingException | RuntimeException e) {
                // Serving elsewhere then picks the change up on its next reload; the change itself is committed.
                LOG.warn("Could not publish registry event {}: {}", event, e.toString());
            }
        });
    }

    /** Hands every change published on the bus to the deployments. */
    static AutoCloseable deliverChanges(EventBus bus, Deployments deployments) {
        return bus.subscribe(TOPIC, json -> {
            try {
                deployments.onEvent(Json.MAPPER.readValue(json, RegistryEvent.class));
            } catch (JsonProcessingException e) {
                LOG.warn("Ignoring a malformed registry event: {}", e.getOriginalMessage());
            }
        });
    }
}
