package org.chimp.api.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.chimp.api.error.ClientErrorException;

/**
 * Whatever bytes arrive, decoding gives an image or a 4xx with a message; never another exception, and never more
 * memory than the limits allow (they are set small here, so a header that declares a big image is refused).
 */
class ImageDecodeFuzzTest {
    private static final byte[] PNG = TestImages.encode(TestImages.rgb(4, 3, 0xff0000, 0x00ff00, 0x0000ff, 0x808080,
            0x123456, 0x654321, 0xabcdef, 0xfedcba, 0x0f0f0f, 0xf0f0f0, 0x111111, 0xeeeeee), "png");
    private static final byte[] GRAY_PNG = TestImages.encode(TestImages.grayRamp(5, 5), "png");
    private static final byte[] JPEG = TestImages.encode(TestImages.rgb(8, 8, new int[64]), "jpeg");
    private ImageLimits before;

    @BeforeProperty
    void smallLimits() {
        before = ImageLimits.current();
        ImageLimits.install(new ImageLimits(256 * 256, 1024, 256 * 256 * 4));
    }

    @AfterProperty
    void restore() {
        ImageLimits.install(before);
    }

    @Property(tries = 300)
    void arbitraryBytes(@ForAll("bytes") byte[] bytes) {
        assertImageOrClientError(bytes);
    }

    @Property(tries = 500)
    void mutatedValidImages(@ForAll("validImage") byte[] image, @ForAll("mutations") int[] edits) {
        byte[] b = image.clone();
        for (int i = 0; i + 1 < edits.length; i += 2) {
            b[Math.floorMod(edits[i], b.length)] = (byte) edits[i + 1];
        }
        assertImageOrClientError(b);
    }

    @Property(tries = 300)
    void truncatedValidImages(@ForAll("validImage") byte[] image, @ForAll("fractions") double keep) {
        assertImageOrClientError(Arrays.copyOf(image, (int) (image.length * keep)));
    }

    /** A PNG whose header (with a correct checksum) declares any size, over real data for a 5x5 image. */
    @Property(tries = 300)
    void randomPngHeaders(@ForAll int width, @ForAll int height, @ForAll("pngTypes") byte colorType, @ForAll("depths") byte depth) {
        byte[] b = GRAY_PNG.clone();
        ByteBuffer ihdr = ByteBuffer.wrap(b, 16, 13);
        ihdr.putInt(width).putInt(height).put(depth).put(colorType);
        CRC32 crc = new CRC32();
        crc.update(b, 12, 17);
        ByteBuffer.wrap(b, 29, 4).putInt((int) crc.getValue());
        assertImageOrClientError(b);
    }

    @Property(tries = 100)
    void smallValidImagesDecode(@ForAll("sides") int w, @ForAll("sides") int h) {
        Image img = Image.decode(TestImages.encode(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "png"));
        assertThat(img.width()).isEqualTo(w);
        assertThat(img.height()).isEqualTo(h);
    }

    private static void assertImageOrClientError(byte[] bytes) {
        try {
            Image img = Image.decode(bytes);
            assertThat((long) img.width() * img.height()).isLessThanOrEqualTo(ImageLimits.current().maxPixels());
        } catch (ClientErrorException e) {
            assertThat(e.status()).isBetween(400, 499);
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
    }

    @Provide
    Arbitrary<byte[]> validImage() {
        return Arbitraries.of(PNG, GRAY_PNG, JPEG);
    }

    @Provide
    Arbitrary<int[]> mutations() {
        return Arbitraries.integers().array(int[].class).ofMinSize(2).ofMaxSize(16);
    }

    @Provide
    Arbitrary<Double> fractions() {
        return Arbitraries.doubles().between(0, 1);
    }

    @Provide
    Arbitrary<Byte> pngTypes() {
        return Arbitraries.of((byte) 0, (byte) 2, (byte) 3, (byte) 4, (byte) 6, (byte) 1, (byte) 7);
    }

    @Provide
    Arbitrary<Byte> depths() {
        return Arbitraries.of((byte) 1, (byte) 2, (byte) 4, (byte) 8, (byte) 16, (byte) 0, (byte) 3);
    }

    @Provide
    Arbitrary<Integer> sides() {
        return Arbitraries.integers().between(1, 64);
    }
}
