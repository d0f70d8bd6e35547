package org.chimp.training;

/**
 * A training plugin. Implementations are found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/org.chimp.training.TrainingPlugin}); a third party writes one against this module
 * and drops the jar in the plugins folder.
 */
public interface TrainingPlugin {
    /** What the plugin is and which arguments and datasets it takes. */
    PluginInfo info();

    /**
     * Checks what the declared types and bounds cannot (a model name's characters, a choice among words) before
     * the task is queued; a {@link org.chimp.api.error.ClientErrorException} (400) refuses the request. The
     * arguments are already typed and have their defaults.
     */
    default void checkArguments(com.fasterxml.jackson.databind.node.ObjectNode arguments) {
    }

    /**
     * Trains. Arguments arrive validated and typed, datasets materialized; the plugin logs through the
     * context ({@code ctx.logParams}, {@code ctx.logMetric}), reports progress, checks {@code ctx.cancelled()}, and
     * registers its model with {@code ctx.registerModel}. A {@link org.chimp.api.error.ClientErrorException} means the input cannot work
     * (e.g. a dataset with one label) and is not retried.
     */
    TrainingResult run(TrainingContext ctx) throws Exception;
}
