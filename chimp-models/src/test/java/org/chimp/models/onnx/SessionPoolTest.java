package org.chimp.models.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.chimp.api.image.ImagePreprocessing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionPoolTest {
    private static final List<String> LABELS = List.of("top", "bottom", "dark");
    private static final float[][] ROWS = TinyOnnx.weights(4, 5f, new int[] {0, 1}, new int[] {2, 3}, new int[] {});
    private static final float[] BIAS = {0f, 0f, 2.5f};
    private static final ImagePreprocessing GRAY_2X2 = new ImagePreprocessing(2, 2, true, 0f, 1f);

    @TempDir
    Path dir;

    @Test
    void concurrentRunsEachGetTheirOwnAnswerFromAtMostTheConfiguredSessions() throws Exception {
        String before = System.getProperty(SessionPool.SIZE_PROPERTY);
        System.setProperty(SessionPool.SIZE_PROPERTY, "2");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try (OnnxClassifier model = open()) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                boolean top = t % 2 == 0;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        float[] row = model.runFeatures(top ? new float[] {1, 1, 0, 0} : new float[] {0, 0, 1, 1}, 1)[0];
                        if ((row[0] > row[1]) != top) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
            assertThat(model.sessionsOpened()).isBetween(1, 2);
        } finally {
            pool.shutdownNow();
            if (before == null) {
                System.clearProperty(SessionPool.SIZE_PROPERTY);
            } else {
                System.setProperty(SessionPool.SIZE_PROPERTY, before);
            }
        }
    }

    @Test
    void aReusedBufferServesSmallerBatchesAfterBiggerOnes() throws Exception {
        try (OnnxClassifier model = open()) {
            float[] five = {1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1};
            float[][] big = model.runFeatures(five, 5);
            float[][] one = model.runFeatures(new float[] {0, 0, 1, 1}, 1);
            float[][] three = model.runFeatures(java.util.Arrays.copyOf(five, 12), 3);
            assertThat(one[0]).containsExactly(big[1], within(1e-6f));
            for (int i = 0; i < 3; i++) {
                assertThat(three[i]).containsExactly(big[i], within(1e-6f));
            }
            assertThat(big[2][2]).isGreaterThan(big[2][0]); // the all-dark row is "dark"
        }
    }

    @Test
    void aClosedModelRefusesToRunInsteadOfWaiting() throws Exception {
        OnnxClassifier model = open();
        model.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> model.runFeatures(new float[] {1, 1, 0, 0}, 1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    private OnnxClassifier open() throws Exception {
        Path file = Files.write(dir.resolve("m" + System.nanoTime() + ".onnx"), TinyOnnx.flat(ROWS, BIAS, true, 0));
        return OnnxClassifier.open(file, LABELS, GRAY_2X2, null, null, false);
    }
}
