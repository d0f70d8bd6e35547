package org.chimp.models.diffusion;

import org.chimp.api.error.ClientErrorException;

/**
 * How the model was trained to add noise, as in diffusers' scheduler config: the betas over the training steps
 * and what the network predicts. Stable Diffusion 1.x: scaled_linear 0.00085 to 0.012 over 1000 steps, offset 1,
 * epsilon; 2.x at 768 pixels predicts v.
 *
 * @param betaSchedule   {@code scaled_linear} (linear in sqrt(beta), as SD) or {@code linear}
 * @param stepsOffset    added to every inference timestep (diffusers' {@code steps_offset})
 * @param predictionType {@code epsilon} (the noise) or {@code v_prediction}
 */
record NoiseSchedule(double betaStart, double betaEnd, String betaSchedule, int trainTimesteps, int stepsOffset,
                     String predictionType) {
    NoiseSchedule {
        if (!(betaStart > 0 && betaEnd > betaStart && betaEnd < 1)) {
            throw ClientErrorException.invalid("'beta_start' and 'beta_end' must satisfy 0 < beta_start < beta_end < 1, got "
                    + betaStart + " and " + betaEnd);
        }
        if (!betaSchedule.equals("scaled_linear") && !betaSchedule.equals("linear")) {
            throw ClientErrorException.invalid("'beta_schedule' must be scaled_linear or linear, got '" + betaSchedule + "'");
        }
        if (!predictionType.equals("epsilon") && !predictionType.equals("v_prediction")) {
            throw ClientErrorException.invalid("'prediction_type' must be epsilon or v_prediction, got '" + predictionType + "'");
        }
        if (stepsOffset >= trainTimesteps) {
            throw ClientErrorException.invalid("'steps_offset' must be below 'train_timesteps'");
        }
    }

    /** The cumulative products of (1 - beta) over the training steps. */
    double[] alphasCumprod() {
        double[] out = new double[trainTimesteps];
        double prod = 1;
        for (int i = 0; i < trainTimesteps; i++) {
            double f = trainTimesteps == 1 ? 0 : (double) i / (trainTimesteps - 1);
            double beta = betaSchedule.equals("linear") ? betaStart + f * (betaEnd - betaStart)
                    : square(Math.sqrt(betaStart) + f * (Math.sqrt(betaEnd) - Math.sqrt(betaStart)));
            prod *= 1 - beta;
            out[i] = prod;
        }
        return out;
    }

    /**
     * The training timesteps {@code steps} inference steps visit, noisiest first: diffusers' "leading" spacing,
     * {@code (steps - 1 - i) * (train / steps) + offset}.
     */
    int[] leadingTimesteps(int steps) {
        int ratio = Math.max(1, trainTimesteps / steps);
        int[] out = new int[steps];
        for (int i = 0; i < steps; i++) {
            out[i] = Math.min((steps - 1 - i) * ratio + stepsOffset, trainTimesteps - 1);
        }
        return out;
    }

    boolean predictsV() {
        return predictionType.equals("v_prediction");
    }

    private static double square(double x) {
        return x * x;
    }
}
