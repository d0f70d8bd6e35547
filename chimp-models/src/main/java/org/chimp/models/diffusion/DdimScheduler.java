package org.chimp.models.diffusion;

/**
 * Deterministic DDIM (eta = 0, Song et al. 2020) as diffusers' {@code DDIMScheduler} with "leading" timestep
 * spacing and {@code set_alpha_to_one = false}, which Stable Diffusion's scheduler config uses. Without eta no
 * fresh noise is drawn after the start, so the seed alone fixes the image.
 */
final class DdimScheduler implements Scheduler {
    private final NoiseSchedule schedule;
    private final double[] alphasCumprod;

    DdimScheduler(NoiseSchedule schedule) {
        this.schedule = schedule;
        this.alphasCumprod = schedule.alphasCumprod();
    }

    @Override
    public int[] timesteps(int steps) {
        return schedule.leadingTimesteps(steps);
    }

    /** DDIM works on variance-preserving samples: the start is plain standard normal noise. */
    @Override
    public double initialNoiseScale(int[] timesteps) {
        return 1;
    }

    @Override
    public double inputScale(int t) {
        return 1;
    }

    @Override
    public void step(float[] modelOutput, int[] timesteps, int i, float[] sample) {
        int t = timesteps[i];
        // After the last step: alphas_cumprod[0], the final alpha when set_alpha_to_one is false.
        double a = alphasCumprod[t];
        double aPrev = i + 1 < timesteps.length ? alphasCumprod[timesteps[i + 1]] : alphasCumprod[0];
        double sa = Math.sqrt(a);
        double sb = Math.sqrt(1 - a);
        double saPrev = Math.sqrt(aPrev);
        double sbPrev = Math.sqrt(1 - aPrev);
        boolean v = schedule.predictsV();
        for (int k = 0; k < sample.length; k++) {
            double x = sample[k];
            double out = modelOutput[k];
            double x0 = v ? sa * x - sb * out : (x - sb * out) / sa;
            double eps = v ? sa * out + sb * x : out;
            sample[k] = (float) (saPrev * x0 + sbPrev * eps);
        }
    }
}
