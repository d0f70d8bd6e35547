package org.chimp.api.vision;

import java.util.List;
import org.chimp.api.image.Image;

/** Finds faces in an image. Implementations must be safe to call from several threads. */
public interface FaceDetector {
    /** The faces found, largest first; empty if there are none. */
    List<FaceBox> detect(Image image);
}
