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
     * Trains. Arguments arrive validated and typed, datasets materialized; the plugin logs to
     * {@code ctx.run()}, reports progress, checks {@code ctx.cancelled()}, and registers its model through
     * {@code ctx.registry()}. A {@link org.chimp.api.error.ClientErrorException} means the input cannot work
     * (e.g. a dataset with one label) and is not retried.
     */
    TrainingResult run(TrainingContext ctx) throws Exception;
}
