package org.chimp.emotion.cnn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EarlyStoppingTest {
    @Test
    void stopsAfterPatienceEpochsWithoutALowerLoss() {
        EarlyStopping s = new EarlyStopping(2);
        assertThat(s.improved(1, 1.0)).isTrue();
        assertThat(s.shouldStop(1)).isFalse();
        assertThat(s.improved(2, 0.8)).isTrue();
        assertThat(s.improved(3, 0.8)).as("equal is not lower").isFalse();
        assertThat(s.shouldStop(3)).isFalse();
        assertThat(s.improved(4, Double.NaN)).isFalse();
        assertThat(s.shouldStop(4)).isTrue();
        assertThat(s.bestEpoch()).isEqualTo(2);
    }

    @Test
    void patienceZeroNeverStops() {
        EarlyStopping s = new EarlyStopping(0);
        s.improved(1, 0.5);
        for (int e = 2; e < 100; e++) {
            s.improved(e, 1.0);
            assertThat(s.shouldStop(e)).isFalse();
        }
    }
}
