package org.chimp.training.imageclassifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SoftmaxTrainerTest {
    /** Two separable blobs in three dimensions, one feature always zero. */
    private static Examples blobs() {
        float[][] x = new float[40][];
        int[] y = new int[40];
        for (int i = 0; i < 40; i++) {
            y[i] = i % 2;
            float s = y[i] == 0 ? -1 : 1;
            x[i] = new float[] {s + 0.1f * (i % 5), -s * 0.5f, 0};
        }
        return new Examples(x, y);
    }

    @Test
    void reportsEveryEpochAndSeparatesTheClasses() {
        List<EpochMetrics> epochs = new ArrayList<>();
        SoftmaxRegression m = new SoftmaxTrainer(5, 0.5, 8, 0, 1).train(blobs(), blobs(), 2, epochs::add, () -> false);
        assertThat(epochs).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3, 4, 5);
        assertThat(epochs.get(4).trainAccuracy()).isEqualTo(1.0);
        assertThat(epochs.get(4).valLoss()).isLessThan(epochs.get(0).valLoss() + 1e-9).isLessThan(0.3);
        assertThat(m.predict(new float[] {-1, 0.5f, 0})).isZero();
        assertThat(m.predict(new float[] {1, -0.5f, 0})).isOne();
        float[] p = m.probabilities(new float[] {0.3f, 0, 0});
        assertThat(p[0] + p[1]).isCloseTo(1f, within(1e-6f));
    }

    @Test
    void stopsWhenCancelled() {
        AtomicInteger asked = new AtomicInteger();
        List<EpochMetrics> epochs = new ArrayList<>();
        assertThatThrownBy(() -> new SoftmaxTrainer(50, 0.5, 8, 0, 1).train(blobs(), blobs(), 2, epochs::add,
                () -> asked.incrementAndGet() > 7))
                .isInstanceOf(CancellationException.class).hasMessageContaining("epoch 2");
        // Five batches per epoch: the seventh check is in the second epoch, so only the first one finished.
        assertThat(epochs).hasSize(1);
    }
}
