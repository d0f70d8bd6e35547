package org.chimp.models.diffusion;

import java.util.function.BiFunction;
import org.chimp.api.Model;
import org.chimp.api.RunContext;
import org.chimp.api.generation.image.GeneratedImage;

/**
 * A diffusion model of either task: the task's request is resolved against the model's settings (a 400 before
 * anything runs if it breaks a limit), then the shared pipeline generates the image.
 *
 * @param <I> the task's input: a text-to-image or an unconditional request
 */
public final class DiffusionModel<I> implements Model<I, GeneratedImage> {
    private final LatentDiffusion pipeline;
    private final BiFunction<I, Long, Generation> resolve;

    DiffusionModel(LatentDiffusion pipeline, BiFunction<I, Long, Generation> resolve) {
        this.pipeline = pipeline;
        this.resolve = resolve;
    }

    @Override
    public GeneratedImage run(I input, RunContext ctx) {
        return pipeline.generate(resolve.apply(input, ctx.seed()), ctx);
    }

    /** How many times any of the model's networks has run (the load check included). */
    public long onnxRuns() {
        return pipeline.onnxRuns();
    }

    @Override
    public void close() {
        pipeline.close();
    }
}
