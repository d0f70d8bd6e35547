package org.chimp.api.vision;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.chimp.api.error.BusyException;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.Image;

/**
 * Face detection as this process has it: a detector from the first provider that opens, or "off" with the reason.
 * Serving and training ask this; with detection off, they say so (a 503 naming the reason) instead of failing.
 */
public final class FaceDetection {
    private final FaceDetector detector;
    private final String status;

    private FaceDetection(FaceDetector detector, String status) {
        this.detector = detector;
        this.status = status;
    }

    /** Detection with this detector. */
    public static FaceDetection of(FaceDetector detector, String name) {
        return new FaceDetection(detector, "face detection is on (" + name + ")");
    }

    /** No detection, for this reason. */
    public static FaceDetection off(String reason) {
        return new FaceDetection(null, "face detection is off: " + reason);
    }

    /**
     * The first provider on the class path that opens with {@code model} (null: its default), else off with every
     * provider's reason.
     */
    public static FaceDetection load(ClassLoader loader, Path model) {
        List<String> reasons = new ArrayList<>();
        for (FaceDetectorProvider p : ServiceLoader.load(FaceDetectorProvider.class, loader)) {
            try {
                return of(p.open(model), p.name());
            } catch (FaceDetectorProvider.Unavailable e) {
                reasons.add(p.name() + ": " + e.getMessage());
            }
        }
        return off(reasons.isEmpty() ? "no face detector is installed" : String.join("; ", reasons));
    }

    /** Whether faces can be found. */
    public boolean on() {
        return detector != null;
    }

    /** "face detection is on (...)" or "face detection is off: <reason>", for logs and errors. */
    public String status() {
        return status;
    }

    /** The faces in an image, largest first; a 503 saying why when detection is off. */
    public List<FaceBox> detect(Image image) {
        if (detector == null) {
            throw new BusyException(status, 3600); // a configuration matter: retrying soon will not help
        }
        List<FaceBox> faces = new ArrayList<>(detector.detect(image));
        faces.sort((a, b) -> Long.compare(b.area(), a.area()));
        return faces;
    }

    /** The detector, when on. */
    public FaceDetector detector() {
        if (detector == null) {
            throw ClientErrorException.conflict(status);
        }
        return detector;
    }
}
