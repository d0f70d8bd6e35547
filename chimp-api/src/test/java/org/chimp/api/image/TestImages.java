package org.chimp.api.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Small encoded images made in the test, so no binary fixtures are needed. */
final class TestImages {
    private TestImages() {
    }

    /** A gray image whose pixel (x, y) is 10 * (y * w + x). */
    static BufferedImage grayRamp(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, 10 * (y * w + x));
            }
        }
        return img;
    }

    /** An RGB image of one color per pixel given as 0xRRGGBB, row-major. */
    static BufferedImage rgb(int w, int h, int... colors) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < colors.length; i++) {
            img.setRGB(i % w, i / w, colors[i]);
        }
        return img;
    }

    static byte[] encode(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pixels equal up to float rounding of the 0-255 scaling. */
    static void assertPixels(Image img, float... expected) {
        assertThat(img.pixels()).containsExactly(expected, within(1e-6f));
    }
}
