package org.chimp.training.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.chimp.api.image.Image;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticFacesTest {
    @TempDir
    Path tmp;

    @Test
    void zipHasTheFer2013LayoutWithTheRequestedCounts() throws IOException {
        Path zip = tmp.resolve("faces.zip");
        SyntheticFaces.writeZip(zip, 3, 2, 7);
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                names.add(e.getName());
                Image img = Image.decode(in.readAllBytes());
                assertThat(img.width()).isEqualTo(48);
                assertThat(img.height()).isEqualTo(48);
                assertThat(img.channels()).isEqualTo(1);
            }
        }
        assertThat(names).hasSize(5 * (3 + 2))
                .contains("train/happy/0000.png", "train/sad/0002.png", "train/angry/0001.png", "train/surprise/0000.png",
                        "train/neutral/0000.png", "test/surprise/0001.png")
                .allMatch(n -> n.matches("(train|test)/(angry|happy|neutral|sad|surprise)/\\d{4}\\.png"));
    }

    @Test
    void sameSeedGivesSameBytesAndAnotherSeedDoesNot() throws IOException {
        Path a = tmp.resolve("a.zip");
        Path b = tmp.resolve("b.zip");
        Path c = tmp.resolve("c.zip");
        SyntheticFaces.writeZip(a, 2, 1, 42);
        SyntheticFaces.writeZip(b, 2, 1, 42);
        SyntheticFaces.writeZip(c, 2, 1, 43);
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        assertThat(Files.readAllBytes(a)).isNotEqualTo(Files.readAllBytes(c));
    }

    @Test
    void directoryHoldsTheSameImagesAsTheZip() throws IOException {
        SyntheticFaces.writeDirectory(tmp, 2, 1, 5);
        Path zip = tmp.resolve("faces.zip");
        SyntheticFaces.writeZip(zip, 2, 1, 5);
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                assertThat(Files.readAllBytes(tmp.resolve(e.getName()))).as(e.getName()).isEqualTo(in.readAllBytes());
            }
        }
    }

    @Test
    void expressionsDifferAndImagesVary() {
        float[] happy = pixels(SyntheticFaces.Expression.HAPPY, 1);
        float[] happy2 = pixels(SyntheticFaces.Expression.HAPPY, 2);
        float[] sad = pixels(SyntheticFaces.Expression.SAD, 1);
        assertThat(happy).isNotEqualTo(happy2);
        assertThat(happy).isNotEqualTo(sad);
        // A face is drawn: the image is not flat.
        float min = 1;
        float max = 0;
        for (float v : happy) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(max - min).isGreaterThan(0.3f);
    }

    private static float[] pixels(SyntheticFaces.Expression e, long seed) {
        return Image.of(SyntheticFaces.draw(e, new Random(seed), 48)).pixels();
    }
}
