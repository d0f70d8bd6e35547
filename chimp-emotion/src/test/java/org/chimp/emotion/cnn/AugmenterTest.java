package org.chimp.emotion.cnn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class AugmenterTest {
    private static float[] gradient(int w, int h) {
        float[] img = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img[y * w + x] = (x + 2 * y) / (float) (w + 2 * h) * 2 - 1;
            }
        }
        return img;
    }

    @Test
    void changesTheImageTheSameWayForTheSameSeedAndLeavesTheInputAlone() {
        Augmenter aug = new Augmenter(16, 12, 0.5f);
        float[] img = gradient(16, 12);
        float[] copy = img.clone();
        float[] a = aug.apply(img, new Random(3));
        float[] b = aug.apply(img, new Random(3));
        float[] c = aug.apply(img, new Random(4));
        assertThat(img).isEqualTo(copy);
        assertThat(a).hasSize(img.length).isEqualTo(b).isNotEqualTo(img).isNotEqualTo(c);
        // Shifts and rotations stay within the image's value range (edges repeat), up to the brightness change.
        float limit = 1 + (float) (Augmenter.MAX_BRIGHTNESS / 0.5) + 1e-5f;
        for (float v : a) {
            assertThat(Float.isFinite(v)).isTrue();
            assertThat(Math.abs(v)).isLessThanOrEqualTo(limit);
        }
    }

    @Test
    void aConstantImageOnlyChangesBrightness() {
        Augmenter aug = new Augmenter(8, 8, 0.5f);
        float[] flat = new float[64];
        Arrays.fill(flat, 0.25f);
        float[] out = aug.apply(flat, new Random(9));
        for (float v : out) {
            assertThat(v).isEqualTo(out[0]);
        }
        assertThat(Math.abs(out[0] - 0.25f)).isLessThanOrEqualTo((float) (Augmenter.MAX_BRIGHTNESS / 0.5) + 1e-6f);
    }

    @Property(tries = 200)
    void anySeedKeepsValuesFiniteAndWithinTheBrightnessBound(@ForAll long seed) {
        Augmenter aug = new Augmenter(12, 12, 0.5f);
        float[] img = gradient(12, 12);
        float limit = 1 + (float) (Augmenter.MAX_BRIGHTNESS / 0.5) + 1e-5f;
        for (float v : aug.apply(img, new Random(seed))) {
            assertThat(Float.isFinite(v)).isTrue();
            assertThat(Math.abs(v)).isLessThanOrEqualTo(limit);
        }
    }
}
