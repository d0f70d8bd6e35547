package org.chimp.api.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.chimp.api.error.ClientErrors.assertClientError;

import java.awt.image.BufferedImage;
import org.chimp.api.error.BusyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ImageScopeTest {
    private static final byte[] TEN_BY_TEN = TestImages.encode(new BufferedImage(10, 10, BufferedImage.TYPE_BYTE_GRAY), "png");
    private final ImageLimits before = ImageLimits.current();

    @AfterEach
    void restore() {
        ImageLimits.install(before);
    }

    @Test
    void decodedImagesKeepTheirRoomUntilTheScopeCloses() {
        ImageLimits.install(new ImageLimits(100, 100, 250));
        try (ImageScope scope = ImageScope.open()) {
            Image.decode(TEN_BY_TEN);
            Image.decode(TEN_BY_TEN);
            assertThat(scope.pixels()).isEqualTo(200);
            // Another request finds the budget spent by the images this one still holds.
            assertThatThrownBy(() -> ImageLimits.reserve(100, 0)).isInstanceOf(BusyException.class);
            // And this request may not hold more than the whole budget: a 413 at once, not a wait for itself.
            assertClientError(413, () -> Image.decode(TEN_BY_TEN)).contains("at most 250 pixels together");
        }
        ImageLimits.reserve(250, 0).close(); // all given back
    }

    @Test
    void withoutAScopeTheRoomIsGivenBackAfterDecoding() {
        ImageLimits.install(new ImageLimits(100, 100, 100));
        Image.decode(TEN_BY_TEN);
        Image.decode(TEN_BY_TEN);
        ImageLimits.reserve(100, 0).close();
    }
}
