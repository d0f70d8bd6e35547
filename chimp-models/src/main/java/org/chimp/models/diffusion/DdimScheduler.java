package org.chimp.models.diffusion;

/**
 * Deterministic DDIM (eta = 0, Song et al. 2020) as diffusers' {@code DDIMScheduler} with "leading" timestep
 * spacing and {@code set_alpha_to_one = false}, which Stable Diffusion's scheduler config uses. Without eta no
 * fresh noise is drawn after the start, so the seed alone fixes the image.
 */
final class DdimScheduler {
    private final NoiseSchedule schedule;
    private final double[] alphasCumprod;

    DdimScheduler(NoiseSchedule schedule) {
        this.schedule = schedule;
        this.alphasCumprod = schedule.alphasCumprod();
    }

    /** The training timesteps visited by {@code steps} inference steps, from noisiest to cleanest. */
    int[] timesteps(int steps) {
        int ratio = Math.max(1, schedule.trainTimesteps() / steps);
        int[] out = new int[steps];
        for (int i = 0; i < steps; i++) {
            out[i] = Math.min((steps - 1 - i) * ratio + schedule.stepsOffset(), schedule.trainTimesteps() - 1);
        }
        return out;
    }

    /**
     * One step from timestep {@code t} to the next one the schedule visits: replaces {@code sample} with the
     * less noisy sample, given the network's prediction (noise or v) for it.
     */
    void step(float[] modelOutput, int t, int steps, float[] sample) {
        int prev = t - Math.max(1, schedule.trainTimesteps() / steps);
        double a = alphasCumprod[t];
        double aPrev = prev >= 0 ? alphasCumprod[prev] : alphasCumprod[0];
        double sa = Math.sqrt(a);
        double sb = Math.sqrt(1 - a);
        double saPrev = Math.sqrt(aPrev);
        double sbPrev = Math.sqrt(1 - aPrev);
        boolean v = schedule.predictsV();
        for (int i = 0; i < sample.length; i++) {
            double x = sample[i];
            double out = modelOutput[i];
            double x0 = v ? sa * x - sb * out : (x - sb * out) / sa;
            double eps = v ? sa * out + sb * x : out;
            sample[i] = (float) (saPrev * x0 + sbPrev * eps);
        }
    }
}
