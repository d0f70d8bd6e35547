package org.chimp.api.vision;

import java.nio.file.Path;

/**
 * Makes a {@link FaceDetector}; implementations are registered in
 * {@code META-INF/services/org.chimp.api.vision.FaceDetectorProvider}, so callers import none of them.
 */
public interface FaceDetectorProvider {
    /** The method's name, for logs ({@code opencv-haar}). */
    String name();

    /**
     * Opens a detector with a model file (a Haar cascade, ...), or the provider's default one when {@code model}
     * is null. Throws {@link Unavailable} saying why there is none (no native library, no model file).
     */
    FaceDetector open(Path model) throws Unavailable;

    /** Why a provider cannot detect faces here; the message says how to fix it, without server paths. */
    final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message);
        }

        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
