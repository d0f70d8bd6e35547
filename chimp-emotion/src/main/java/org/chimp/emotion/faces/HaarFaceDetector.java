package org.chimp.emotion.faces;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import nu.pattern.OpenCV;
import org.chimp.api.image.Image;
import org.chimp.api.vision.FaceBox;
import org.chimp.api.vision.FaceDetector;
import org.chimp.api.vision.FaceDetectorProvider;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfRect;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;
import org.opencv.objdetect.CascadeClassifier;

/**
 * Faces with OpenCV's Viola-Jones detector and a frontal-face Haar cascade (Debian's {@code opencv-data}, or a
 * file given in configuration). The native library comes bundled in the {@code org.openpnp:opencv} jar. A
 * cascade classifier is not safe for concurrent use, so detections are serialized; one takes a few milliseconds
 * for a webcam frame.
 */
public final class HaarFaceDetector implements FaceDetector {
    /** Where Debian's opencv-data package puts the frontal-face cascade. */
    public static final Path DEFAULT_CASCADE = Path.of("/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml");
    /** The smallest face looked for, in pixels (FER2013's faces are 48x48). */
    static final int MIN_FACE = 24;

    private final CascadeClassifier cascade;

    private HaarFaceDetector(CascadeClassifier cascade) {
        this.cascade = cascade;
    }

    /** Opens a cascade file; {@link FaceDetectorProvider.Unavailable} if OpenCV cannot load here or the file is no cascade. */
    public static HaarFaceDetector open(Path cascadeFile) throws FaceDetectorProvider.Unavailable {
        if (!Files.isRegularFile(cascadeFile)) {
            throw new FaceDetectorProvider.Unavailable("no Haar cascade file (install Debian's opencv-data package, "
                    + "or set --face-cascade / CHIMP_FACE_CASCADE to a haarcascade_frontalface_default.xml)");
        }
        try {
            OpenCV.loadLocally();
        } catch (Throwable e) {
            throw new FaceDetectorProvider.Unavailable("OpenCV's native library does not load on this platform", e);
        }
        CascadeClassifier c;
        try {
            c = new CascadeClassifier(cascadeFile.toAbsolutePath().toString());
        } catch (RuntimeException e) { // OpenCV throws on malformed XML
            throw new FaceDetectorProvider.Unavailable("the configured face cascade is not a readable Haar cascade", e);
        }
        if (c.empty()) {
            throw new FaceDetectorProvider.Unavailable("the configured face cascade is not a readable Haar cascade");
        }
        return new HaarFaceDetector(c);
    }

    @Override
    public List<FaceBox> detect(Image image) {
        Mat gray = toGray(image);
        MatOfRect found = new MatOfRect();
        try {
            Imgproc.equalizeHist(gray, gray);
            synchronized (this) {
                cascade.detectMultiScale(gray, found, 1.1, 4, 0, new Size(MIN_FACE, MIN_FACE), new Size());
            }
            List<FaceBox> faces = new ArrayList<>();
            for (Rect r : found.toArray()) {
                int x = Math.max(0, r.x);
                int y = Math.max(0, r.y);
                int w = Math.min(image.width() - x, r.width);
                int h = Math.min(image.height() - y, r.height);
                if (w > 0 && h > 0) {
                    faces.add(new FaceBox(x, y, w, h));
                }
            }
            faces.sort((a, b) -> Long.compare(b.area(), a.area()));
            return faces;
        } finally {
            gray.release();
            found.release();
        }
    }

    /** 8-bit gray pixels of an image (RGB averaged with the usual luma weights). */
    static Mat toGray(Image image) {
        int n = image.width() * image.height();
        byte[] px = new byte[n];
        float[] p = image.pixels();
        for (int i = 0; i < n; i++) {
            float v = image.channels() == 1 ? p[i] : 0.299f * p[3 * i] + 0.587f * p[3 * i + 1] + 0.114f * p[3 * i + 2];
            px[i] = (byte) Math.round(Math.max(0, Math.min(1, v)) * 255);
        }
        Mat m = new Mat(image.height(), image.width(), CvType.CV_8UC1);
        m.put(0, 0, px);
        return m;
    }

    /** The provider ServiceLoader finds. */
    public static final class Provider implements FaceDetectorProvider {
        @Override
        public String name() {
            return "opencv-haar";
        }

        /** The given cascade, else CHIMP_FACE_CASCADE (so workers find the same file), else Debian's. */
        @Override
        public FaceDetector open(Path model) throws Unavailable {
            String env = System.getenv("CHIMP_FACE_CASCADE");
            return HaarFaceDetector.open(model != null ? model : env != null && !env.isBlank() ? Path.of(env) : DEFAULT_CASCADE);
        }
    }
}
