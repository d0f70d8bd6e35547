package org.chimp.models.generation;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from the logits: the most likely one when the temperature is 0, otherwise a draw from
 * softmax(logits / temperature) cut to its top-p nucleus (the fewest most likely tokens whose probabilities add up
 * to at least {@code topP}). The draws come from a {@link SplittableRandom} seeded once per generation, and ties
 * are broken by the lower id, so the same seed always gives the same tokens. One sampler per generation (not
 * thread-safe).
 */
final class Sampler {
    private final double temperature;
    private final double topP;
    private final SplittableRandom random;

    Sampler(double temperature, double topP, long seed) {
        this.temperature = temperature;
        this.topP = topP;
        this.random = new SplittableRandom(seed);
    }

    /** The next token id. */
    int next(float[] logits) {
        if (temperature == 0) {
            return argmax(logits);
        }
        int n = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            sum += p[i];
        }
        if (topP >= 1) {
            return draw(p, identity(n), n, sum);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // Most likely first; equal probabilities by id, so the order (and the draw) does not depend on the sort.
        Arrays.sort(order, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
        int keep = 0;
        double mass = 0;
        while (keep < n && (keep == 0 || mass < topP * sum)) {
            mass += p[order[keep]];
            keep++;
        }
        int[] ids = new int[keep];
        for (int i = 0; i < keep; i++) {
            ids[i] = order[i];
        }
        return draw(p, ids, keep, mass);
    }

    private int draw(double[] p, int[] ids, int count, double mass) {
        double u = random.nextDouble() * mass;
        for (int i = 0; i < count; i++) {
            u -= p[ids[i]];
            if (u < 0) {
                return ids[i];
            }
        }
        return ids[count - 1]; // rounding left a sliver of mass: the last candidate takes it
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int[] identity(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        return ids;
    }
}
