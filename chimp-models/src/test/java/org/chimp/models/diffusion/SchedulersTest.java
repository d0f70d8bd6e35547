package org.chimp.models.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import org.junit.jupiter.api.Test;

/** DDIM and Euler: the timesteps diffusers visits, and exact steps when the network's prediction is exact. */
class SchedulersTest {
    private static final NoiseSchedule SD = new NoiseSchedule(0.00085, 0.012, "scaled_linear", 1000, 1, "epsilon");
    private static final NoiseSchedule V = new NoiseSchedule(0.0001, 0.02, "linear", 1000, 0, "v_prediction");
    private static final float[] X0 = {0.5f, -1.0f, 0.25f};
    private static final float[] EPS = {1.0f, 0.3f, -0.7f};

    @Test
    void leadingTimestepsWithOffsetAsDiffusers() {
        assertThat(SD.leadingTimesteps(4)).containsExactly(751, 501, 251, 1);
        assertThat(SD.leadingTimesteps(1)).containsExactly(1);
        assertThat(SD.leadingTimesteps(1000)[0]).isEqualTo(999);
        assertThat(Scheduler.of("euler", SD).timesteps(4)).containsExactly(751, 501, 251, 1);
        assertInvalid(() -> Scheduler.of("pndm", SD)).contains("'scheduler' must be ddim or euler");
    }

    @Test
    void scaledLinearScheduleMatchesStableDiffusionsAlphas() {
        double[] a = SD.alphasCumprod();
        assertThat(a[0]).isCloseTo(1 - 0.00085, within(1e-12));
        // diffusers: alphas_cumprod[999] of SD 1.x's scheduler is 0.0047 (to 4 digits).
        assertThat(a[999]).isCloseTo(0.0047, within(5e-5));
    }

    @Test
    void ddimWithAPerfectPredictionLandsExactlyOnTheNextNoiseLevel() {
        for (NoiseSchedule schedule : new NoiseSchedule[] {SD, V}) {
            double[] alphas = schedule.alphasCumprod();
            int[] timesteps = {501, 251};
            float[] sample = mix(alphas[501], 1);
            float[] prediction = prediction(schedule, alphas[501]);
            new DdimScheduler(schedule).step(prediction, timesteps, 0, sample);
            assertThat(sample).containsExactly(mix(alphas[251], 1), within(1e-5f));
        }
    }

    @Test
    void eulerWithAPerfectPredictionLandsExactlyOnTheNextSigma() {
        for (NoiseSchedule schedule : new NoiseSchedule[] {SD, V}) {
            double[] alphas = schedule.alphasCumprod();
            EulerScheduler euler = new EulerScheduler(schedule);
            int[] timesteps = {501, 251};
            // Euler's sample is x0 + sigma * eps, the variance-preserving sample divided by sqrt(a).
            float[] sample = mix(alphas[501], 1 / Math.sqrt(alphas[501]));
            assertThat(euler.inputScale(501)).isCloseTo(Math.sqrt(alphas[501]), within(1e-12));
            euler.step(prediction(schedule, alphas[501]), timesteps, 0, sample);
            assertThat(sample).containsExactly(mix(alphas[251], 1 / Math.sqrt(alphas[251])), within(1e-4f));
            float[] last = mix(alphas[251], 1 / Math.sqrt(alphas[251]));
            euler.step(prediction(schedule, alphas[251]), timesteps, 1, last);
            assertThat(last).as("after the last step: the clean sample").containsExactly(X0, within(1e-4f));
        }
    }

    /** What an exact network predicts at noise level alpha: the noise, or v = sqrt(a) eps - sqrt(1 - a) x0. */
    private static float[] prediction(NoiseSchedule schedule, double alpha) {
        float[] out = new float[X0.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = schedule.predictsV() ? (float) (Math.sqrt(alpha) * EPS[i] - Math.sqrt(1 - alpha) * X0[i]) : EPS[i];
        }
        return out;
    }

    /** The variance-preserving noisy sample sqrt(a) x0 + sqrt(1 - a) eps, times {@code scale}. */
    private static float[] mix(double alpha, double scale) {
        float[] out = new float[X0.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (scale * (Math.sqrt(alpha) * X0[i] + Math.sqrt(1 - alpha) * EPS[i]));
        }
        return out;
    }
}
