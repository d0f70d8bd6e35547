package org.chimp.emotion.cnn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class EvaluationTest {
    @Test
    void precisionRecallAndAccuracyFromTheConfusionMatrix() {
        // Rows: true a, b, c; columns: predicted.
        Evaluation e = new Evaluation(List.of("a", "b", "c"), new int[][] {{3, 1, 0}, {0, 2, 2}, {0, 0, 0}}, 0.7);
        assertThat(e.count()).isEqualTo(8);
        assertThat(e.accuracy()).isEqualTo(5 / 8.0);
        assertThat(e.precision(0)).isEqualTo(1.0);
        assertThat(e.recall(0)).isEqualTo(3 / 4.0);
        assertThat(e.precision(1)).isEqualTo(2 / 3.0);
        assertThat(e.recall(1)).isEqualTo(2 / 4.0);
        // Never predicted and never present: 0, not NaN (tracking refuses NaN metrics).
        assertThat(e.precision(2)).isEqualTo(0.0);
        assertThat(e.recall(2)).isEqualTo(0.0);
        assertThat(e.confusionJson().toString())
                .isEqualTo("{\"labels\":[\"a\",\"b\",\"c\"],\"rows\":\"true label\",\"columns\":\"predicted label\","
                        + "\"matrix\":[[3,1,0],[0,2,2],[0,0,0]]}");
    }

    @Property(tries = 300)
    void metricsAreFractions(@ForAll @Size(9) List<@IntRange(min = 0, max = 1000) Integer> counts) {
        int[][] m = new int[3][3];
        for (int i = 0; i < 9; i++) {
            m[i / 3][i % 3] = counts.get(i);
        }
        Evaluation e = new Evaluation(List.of("x", "y", "z"), m, 0);
        assertThat(e.accuracy()).isBetween(0.0, 1.0);
        for (int k = 0; k < 3; k++) {
            assertThat(e.precision(k)).isBetween(0.0, 1.0);
            assertThat(e.recall(k)).isBetween(0.0, 1.0);
        }
    }
}
