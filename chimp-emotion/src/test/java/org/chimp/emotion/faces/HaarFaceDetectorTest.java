package org.chimp.emotion.faces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.chimp.api.error.BusyException;
import org.chimp.api.image.Image;
import org.chimp.api.vision.FaceBox;
import org.chimp.api.vision.FaceDetection;
import org.chimp.training.sample.SyntheticFaces.Expression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OpenCV's Haar detector through the chimp-api abstraction, with Debian's cascade (scripts/services.sh installs it). */
class HaarFaceDetectorTest {
    @TempDir
    Path tmp;

    static FaceDetection detection() {
        assumeThat(Files.isRegularFile(HaarFaceDetector.DEFAULT_CASCADE)).as("opencv-data is installed").isTrue();
        FaceDetection d = FaceDetection.load(HaarFaceDetectorTest.class.getClassLoader(), null);
        assertThat(d.on()).as(d.status()).isTrue();
        return d;
    }

    @Test
    void findsEveryFaceLargestFirst() {
        FaceDetection d = detection();
        FaceBox big = new FaceBox(20, 40, 128, 128);
        FaceBox small = new FaceBox(210, 70, 80, 80);
        Image photo = Image.decode(FacePhotos.png(FacePhotos.photo(320, 240, List.of(Expression.SAD, Expression.HAPPY),
                List.of(small, big), 3)));
        List<FaceBox> found = d.detect(photo);
        assertThat(found).hasSize(2);
        assertThat(FacePhotos.iou(found.get(0), big)).isGreaterThan(0.4);
        assertThat(FacePhotos.iou(found.get(1), small)).isGreaterThan(0.4);
        // RGB photos too.
        Image rgb = new Image(photo.width(), photo.height(), 3, rgb(photo.pixels()));
        assertThat(d.detect(rgb)).hasSize(2);
    }

    @Test
    void aPhotoWithoutFacesHasNone() {
        FaceDetection d = detection();
        assertThat(d.detect(new Image(200, 150, 1, new float[200 * 150]))).isEmpty();
        assertThat(d.detect(new Image(1, 1, 1, new float[1]))).isEmpty();
    }

    @Test
    void withoutACascadeDetectionIsOffAndSaysWhy() throws Exception {
        FaceDetection missing = FaceDetection.load(getClass().getClassLoader(), tmp.resolve("absent.xml"));
        assertThat(missing.on()).isFalse();
        assertThat(missing.status()).startsWith("face detection is off").contains("opencv-data").doesNotContain(tmp.toString());
        assertThatThrownBy(() -> missing.detect(new Image(2, 2, 1, new float[4])))
                .isInstanceOf(BusyException.class).hasMessageContaining("face detection is off");

        Path junk = Files.writeString(tmp.resolve("junk.xml"), "<not-a-cascade/>");
        FaceDetection bad = FaceDetection.load(getClass().getClassLoader(), junk);
        assertThat(bad.on()).isFalse();
        assertThat(bad.status()).contains("not a readable Haar cascade").doesNotContain(tmp.toString());
    }

    private static float[] rgb(float[] gray) {
        float[] out = new float[gray.length * 3];
        for (int i = 0; i < gray.length; i++) {
            out[3 * i] = gray[i];
            out[3 * i + 1] = gray[i];
            out[3 * i + 2] = gray[i];
        }
        return out;
    }
}
