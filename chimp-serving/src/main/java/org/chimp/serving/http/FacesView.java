package org.chimp.serving.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.chimp.api.classification.Classification;
import org.chimp.api.vision.FaceBox;

/**
 * The answer of {@code POST /model/{name}/faces}: the served version's metadata (as infer answers it) and every face
 * found, largest first.
 */
public record FacesView(ObjectNode metadata, List<FaceView> faces) {

    /** One face: where it is in the photo and how the model classified it. */
    public record FaceView(BoxView box, List<String> labels, float[] probabilities, String label) {
        static FaceView of(FaceBox b, Classification c) {
            return new FaceView(new BoxView(b.x(), b.y(), b.width(), b.height()), c.labels(), c.probabilities(), c.bestLabel());
        }
    }

    /** A face's box in pixels of the photo. */
    public record BoxView(int x, int y, int width, int height) {
    }
}
