package org.chimp.models.diffusion;

import org.chimp.api.error.ClientErrorException;

/**
 * A deterministic sampler: which training timesteps to visit, how to scale the starting noise and the UNet's
 * input, and how one step moves the sample. Both visit diffusers' "leading" timesteps with {@code steps_offset}.
 */
interface Scheduler {
    /** The timesteps visited by {@code steps} inference steps, from noisiest to cleanest. */
    int[] timesteps(int steps);

    /** The standard deviation of the starting latents (diffusers' {@code init_noise_sigma}). */
    double initialNoiseScale(int[] timesteps);

    /** The factor the sample is scaled by before the UNet sees it at timestep {@code t}. */
    double inputScale(int t);

    /** Replaces {@code sample} (at {@code timesteps[i]}) with the sample at the next timestep, or the clean one after the last. */
    void step(float[] modelOutput, int[] timesteps, int i, float[] sample);

    /** The scheduler of a config's {@code scheduler} parameter: {@code ddim} or {@code euler}. */
    static Scheduler of(String name, NoiseSchedule schedule) {
        return switch (name) {
            case "ddim" -> new DdimScheduler(schedule);
            case "euler" -> new EulerScheduler(schedule);
            default -> throw ClientErrorException.invalid("'scheduler' must be ddim or euler, got '" + name + "'");
        };
    }
}
