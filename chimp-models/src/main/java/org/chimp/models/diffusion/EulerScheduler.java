package org.chimp.models.diffusion;

/**
 * Euler's method on the probability-flow ODE (Karras et al. 2022), as diffusers' {@code EulerDiscreteScheduler}
 * with "leading" spacing: the sample is {@code x0 + sigma * noise} with {@code sigma = sqrt((1 - a) / a)}, the UNet
 * sees it scaled back to unit variance, and each step follows the predicted noise down to the next sigma (0 after
 * the last). No noise is added on the way, so the seed alone fixes the image.
 */
final class EulerScheduler implements Scheduler {
    private final NoiseSchedule schedule;
    private final double[] sigmas;

    EulerScheduler(NoiseSchedule schedule) {
        this.schedule = schedule;
        double[] a = schedule.alphasCumprod();
        this.sigmas = new double[a.length];
        for (int t = 0; t < a.length; t++) {
            sigmas[t] = Math.sqrt((1 - a[t]) / a[t]);
        }
    }

    @Override
    public int[] timesteps(int steps) {
        return schedule.leadingTimesteps(steps);
    }

    /** diffusers' value for leading spacing: {@code sqrt(sigma_max^2 + 1)}. */
    @Override
    public double initialNoiseScale(int[] timesteps) {
        double max = sigmas[timesteps[0]];
        return Math.sqrt(max * max + 1);
    }

    @Override
    public double inputScale(int t) {
        return 1 / Math.sqrt(sigmas[t] * sigmas[t] + 1);
    }

    @Override
    public void step(float[] modelOutput, int[] timesteps, int i, float[] sample) {
        double sigma = sigmas[timesteps[i]];
        double next = i + 1 < timesteps.length ? sigmas[timesteps[i + 1]] : 0;
        double dt = next - sigma;
        boolean v = schedule.predictsV();
        for (int k = 0; k < sample.length; k++) {
            double x = sample[k];
            double out = modelOutput[k];
            double x0 = v ? out * (-sigma / Math.sqrt(sigma * sigma + 1)) + x / (sigma * sigma + 1) : x - sigma * out;
            sample[k] = (float) (x + (x - x0) / sigma * dt);
        }
    }
}
