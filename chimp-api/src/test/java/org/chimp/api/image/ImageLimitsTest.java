package org.chimp.api.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import org.chimp.api.error.BusyException;
import org.chimp.api.error.ClientErrorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ImageLimitsTest {
    private final ImageLimits before = ImageLimits.current();

    @AfterEach
    void restore() {
        ImageLimits.install(before);
    }

    @Test
    void aSmallPngThatDeclaresHundredsOfMegapixelsIsRefusedBeforeDecoding() {
        byte[] bomb = PngBomb.gray(20_000, 20_000);
        assertThat(bomb.length).isLessThan(2 << 20);
        long usedBefore = usedHeap();
        assertThatThrownBy(() -> Image.decode(bomb)).isInstanceOf(ClientErrorException.class)
                .hasMessageContaining("20000x20000").hasMessageContaining("--max-image-pixels")
                .satisfies(e -> assertThat(((ClientErrorException) e).status()).isEqualTo(413));
        // Decoded, the bomb would have needed 400 MB for its raster and 1.6 GB for its float pixels.
        assertThat(usedHeap() - usedBefore).isLessThan(200L << 20);
    }

    @Test
    void theLimitIsConfigurableAndImagesWithinItDecode() {
        byte[] png = TestImages.encode(new BufferedImage(300, 200, BufferedImage.TYPE_BYTE_GRAY), "png");
        assertThat(Image.decode(png).width()).isEqualTo(300);
        ImageLimits.install(ImageLimits.forMaxPixels(300 * 200 - 1));
        assertThatThrownBy(() -> Image.decode(png)).isInstanceOf(ClientErrorException.class).hasMessageContaining("300x200");
        assertThatThrownBy(() -> new ImageLimits(10, 10, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLongThinStripIsRefusedByItsSide() {
        assertThatThrownBy(() -> ImageLimits.defaults().check(ImageLimits.DEFAULT_MAX_SIDE + 1, 1))
                .isInstanceOf(ClientErrorException.class);
        assertThatThrownBy(() -> ImageLimits.defaults().check(0, 5)).isInstanceOf(ClientErrorException.class);
    }

    @Test
    void decodesBeyondTheInFlightBudgetWaitThenAnswerBusy() {
        ImageLimits.install(new ImageLimits(100, 100, 100));
        try (ImageLimits.Reservation held = ImageLimits.reserve(100)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> ImageLimits.reserve(50, 200)).isInstanceOf(BusyException.class)
                    .hasMessageContaining("retry");
            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(190_000_000L);
        }
        ImageLimits.reserve(100, 0).close(); // released: the budget is whole again
    }

    @Test
    void corruptAndTruncatedImagesAreClientErrors() {
        byte[] png = TestImages.encode(TestImages.grayRamp(20, 20), "png");
        byte[] cut = java.util.Arrays.copyOf(png, png.length / 2);
        assertThatThrownBy(() -> Image.decode(cut)).isInstanceOf(ClientErrorException.class);
        assertThatThrownBy(() -> Image.decode(new byte[] {1, 2, 3})).isInstanceOf(ClientErrorException.class);
        assertThatThrownBy(() -> Image.decode(new byte[0])).isInstanceOf(ClientErrorException.class);
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
