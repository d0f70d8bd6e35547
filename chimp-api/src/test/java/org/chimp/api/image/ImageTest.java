package org.chimp.api.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageTest {
    @Test
    void decodesGrayPng() {
        Image img = Image.decode(TestImages.encode(TestImages.grayRamp(3, 2), "png"));
        assertThat(img.width()).isEqualTo(3);
        assertThat(img.height()).isEqualTo(2);
        assertThat(img.channels()).isEqualTo(1);
        assertThat(img.get(0, 0, 0)).isEqualTo(0f);
        assertThat(img.get(2, 1, 0)).isEqualTo(50 / 255f);
        assertThat(img.get(0, 1, 0)).isEqualTo(30 / 255f);
    }

    @Test
    void decodesRgbPng() {
        Image img = Image.decode(TestImages.encode(TestImages.rgb(2, 1, 0xff0000, 0x0080ff), "png"));
        assertThat(img.channels()).isEqualTo(3);
        assertThat(img.pixels()).containsExactly(1f, 0f, 0f, 0f, 128 / 255f, 1f);
    }

    @Test
    void decodesJpeg() {
        int[] colors = new int[64];
        Arrays.fill(colors, 0x808080);
        Image img = Image.decode(TestImages.encode(TestImages.rgb(8, 8, colors), "jpeg"));
        assertThat(img.width()).isEqualTo(8);
        assertThat(img.channels()).isEqualTo(3);
        for (float v : img.pixels()) {
            assertThat(v).isCloseTo(128 / 255f, within(3 / 255f));
        }
    }

    @Test
    void undecodableBytesAre400() {
        assertInvalid(() -> Image.decode("not an image".getBytes())).contains("PNG");
        byte[] png = TestImages.encode(TestImages.grayRamp(8, 8), "png");
        assertInvalid(() -> Image.decode(Arrays.copyOf(png, png.length / 2)));
        assertInvalid(() -> Image.decode(new byte[0]));
    }

    @Test
    void readWrapsDecodingErrorsAsIOException(@TempDir Path dir) throws IOException {
        Path good = Files.write(dir.resolve("a.png"), TestImages.encode(TestImages.grayRamp(2, 2), "png"));
        assertThat(Image.read(good).height()).isEqualTo(2);
        Path bad = Files.writeString(dir.resolve("b.png"), "nope");
        assertThatThrownBy(() -> Image.read(bad)).isInstanceOf(IOException.class).hasMessageContaining("b.png");
    }

    @Test
    void constructorChecksShape() {
        assertInvalid(() -> new Image(0, 1, 1, new float[0])).contains("0x1");
        assertInvalid(() -> new Image(1, 1, 2, new float[2])).contains("2");
        assertThatThrownBy(() -> new Image(2, 2, 3, new float[4])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void getIsRowMajorChannelLast() {
        Image img = new Image(2, 2, 3, new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        assertThat(img.get(1, 0, 2)).isEqualTo(5f);
        assertThat(img.get(0, 1, 1)).isEqualTo(7f);
    }
}
