package org.chimp.models.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SeededNoiseTest {
    @Test
    void isStandardNormal() {
        float[] z = SeededNoise.gaussian(123, 200_001);
        double mean = 0;
        for (float v : z) {
            mean += v;
        }
        mean /= z.length;
        double var = 0;
        for (float v : z) {
            var += (v - mean) * (v - mean);
        }
        var /= z.length;
        assertThat(mean).isCloseTo(0, within(0.01));
        assertThat(var).isCloseTo(1, within(0.02));
    }

    @Test
    void sameSeedSameNoiseAndEverySeedBitCounts() {
        assertThat(SeededNoise.gaussian(42, 16)).containsExactly(SeededNoise.gaussian(42, 16));
        assertThat(SeededNoise.gaussian(42, 16)).isNotEqualTo(SeededNoise.gaussian(43, 16));
        assertThat(SeededNoise.gaussian(42, 16)).isNotEqualTo(SeededNoise.gaussian(42 ^ Long.MIN_VALUE, 16));
    }

    @Test
    void splitMix64MatchesItsReferenceOutput() {
        // The first outputs of SplitMix64 seeded with 0 (Vigna's reference splitmix64.c).
        SeededNoise n = new SeededNoise(0);
        assertThat(n.nextLong()).isEqualTo(0xE220A8397B1DCDAFL);
        assertThat(n.nextLong()).isEqualTo(0x6E789E6AA1B965F4L);
    }
}
