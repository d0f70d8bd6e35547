package org.chimp.models.diffusion;

/**
 * Standard normal noise from a 64-bit seed, the same on every JVM and platform: SplitMix64 for the uniform bits
 * (all 64 seed bits matter; {@link java.util.Random} keeps 48) and Box-Muller with {@link StrictMath}, whose results
 * are specified to the bit. {@code RandomGenerator.nextGaussian} is not specified, so a JDK update could change it.
 */
final class SeededNoise {
    private static final double TWO_PI = 2 * Math.PI;
    private long state;

    SeededNoise(long seed) {
        this.state = seed;
    }

    /** {@code n} standard normal values. */
    static float[] gaussian(long seed, int n) {
        SeededNoise noise = new SeededNoise(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i += 2) {
            double u1 = noise.nextOpenUnit();
            double u2 = noise.nextOpenUnit();
            double r = StrictMath.sqrt(-2 * StrictMath.log(u1));
            out[i] = (float) (r * StrictMath.cos(TWO_PI * u2));
            if (i + 1 < n) {
                out[i + 1] = (float) (r * StrictMath.sin(TWO_PI * u2));
            }
        }
        return out;
    }

    /** SplitMix64 (Steele, Lea, Flood 2014). */
    long nextLong() {
        long z = state += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in (0, 1]: never 0, so the logarithm stays finite. */
    private double nextOpenUnit() {
        return ((nextLong() >>> 11) + 1) * 0x1.0p-53;
    }
}
