package org.chimp.models.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DdimSchedulerTest {
    private static final NoiseSchedule SD = new NoiseSchedule(0.00085, 0.012, "scaled_linear", 1000, 1, "epsilon");

    @Test
    void leadingTimestepsWithOffsetAsDiffusers() {
        DdimScheduler s = new DdimScheduler(SD);
        assertThat(s.timesteps(4)).containsExactly(751, 501, 251, 1);
        assertThat(s.timesteps(1)).containsExactly(1);
        assertThat(s.timesteps(1000)[0]).isEqualTo(999);
    }

    @Test
    void scaledLinearScheduleMatchesStableDiffusionsAlphas() {
        double[] a = SD.alphasCumprod();
        assertThat(a[0]).isCloseTo(1 - 0.00085, within(1e-12));
        // diffusers: alphas_cumprod[999] of SD 1.x's scheduler is 0.0047 (to 4 digits).
        assertThat(a[999]).isCloseTo(0.0047, within(5e-5));
    }

    @Test
    void aPerfectNoisePredictionLandsExactlyOnTheNextNoiseLevel() {
        check(SD, false);
        check(new NoiseSchedule(0.0001, 0.02, "linear", 1000, 0, "v_prediction"), true);
    }

    private static void check(NoiseSchedule schedule, boolean v) {
        double[] alphas = schedule.alphasCumprod();
        float[] x0 = {0.5f, -1.0f, 0.25f};
        float[] eps = {1.0f, 0.3f, -0.7f};
        int t = 501;
        int prev = 251;
        float[] sample = mix(x0, eps, alphas[t]);
        float[] prediction = new float[3];
        for (int i = 0; i < 3; i++) {
            // v = sqrt(a) eps - sqrt(1 - a) x0
            prediction[i] = v ? (float) (Math.sqrt(alphas[t]) * eps[i] - Math.sqrt(1 - alphas[t]) * x0[i]) : eps[i];
        }
        new DdimScheduler(schedule).step(prediction, t, 4, sample);
        assertThat(sample).containsExactly(mix(x0, eps, alphas[prev]), within(1e-5f));
    }

    private static float[] mix(float[] x0, float[] eps, double alpha) {
        float[] out = new float[x0.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (Math.sqrt(alpha) * x0[i] + Math.sqrt(1 - alpha) * eps[i]);
        }
        return out;
    }
}
