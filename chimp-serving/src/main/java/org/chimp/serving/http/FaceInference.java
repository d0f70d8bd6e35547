package org.chimp.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import org.chimp.api.Model;
import org.chimp.api.Tasks;
import org.chimp.api.classification.Classification;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.Image;
import org.chimp.api.image.ImageDataType;
import org.chimp.api.image.ImageScope;
import org.chimp.api.vision.FaceBox;
import org.chimp.api.vision.FaceDetection;
import org.chimp.http.Json;
import org.chimp.http.Requests;
import org.chimp.serving.Deployments;
import org.chimp.serving.Lease;
import org.chimp.tracking.registry.Stage;

/**
 * {@code POST /model/{name}/faces?stage=production|staging&id=<user>} with {@code {"inputs": <one image>}}: finds the
 * faces in a photo and classifies each, largest first: {@code {"metadata": {...as infer}, "faces": [{"box": {"x", "y",
 * "width", "height"}, "labels", "probabilities", "label"}]}}. A photo without faces gives {@code "faces": []}; with
 * face detection off, a 503 says why. Only image classifiers can classify faces: a model of another task is a 400.
 */
public final class FaceInference {
    /** The most faces classified in one photo; a crowd beyond this is cut to its largest faces. */
    static final int MAX_FACES = 32;
    private static final ImageDataType IMAGES = new ImageDataType();

    private final Deployments deployments;
    private final FaceDetection detection;

    public FaceInference(Deployments deployments, FaceDetection detection) {
        this.deployments = deployments;
        this.detection = detection;
    }

    void faces(Context ctx) {
        var stage = ChimpInference.stage(ctx.queryParam("stage"));
        String user = ChimpInference.user(ctx);
        checkOn();
        try (Lease lease = deployments.get(ctx.pathParam("name"), stage, user); ImageScope decoded = ImageScope.open()) {
            lease.model(Tasks.IMAGE_CLASSIFICATION); // a model of another task is a 400 before the body is read
            JsonNode body = Requests.jsonBody(ctx);
            JsonNode input = body.isObject() ? body.get("inputs") : null;
            if (input == null || !input.isTextual()) {
                throw ClientErrorException.invalid("The body must be {\"inputs\": \"<one base64 PNG or JPEG photo>\"}");
            }
            ctx.json(answer(lease, IMAGES.fromJson(input)));
        }
    }

    /**
     * In process, what {@code POST /model/{name}/faces?id=<user>} answers for a photo already decoded (the web page's
     * live frames): the Production version, or the user's personal version when there is one.
     */
    public ObjectNode read(String model, String user, Image photo) {
        checkOn();
        try (Lease lease = deployments.get(model, Stage.PRODUCTION, user)) {
            return Json.MAPPER.valueToTree(answer(lease, photo));
        }
    }

    private void checkOn() {
        if (!detection.on()) {
            detection.detect(new Image(1, 1, 1, new float[1])); // the 503 that says why
        }
    }

    private FacesView answer(Lease lease, Image photo) {
        List<FaceBox> faces = detection.detect(photo);
        if (faces.size() > MAX_FACES) {
            faces = faces.subList(0, MAX_FACES);
        }
        List<Image> crops = new ArrayList<>(faces.size());
        faces.forEach(f -> crops.add(f.crop(photo)));
        Model<Image, Classification> model = lease.model(Tasks.IMAGE_CLASSIFICATION);
        List<Classification> results = crops.isEmpty() ? List.of() : lease.runRequest(model, crops, () -> false);
        Outputs.sendable(lease, Tasks.IMAGE_CLASSIFICATION.output(), results);
        List<FacesView.FaceView> found = new ArrayList<>(faces.size());
        for (int i = 0; i < faces.size(); i++) {
            found.add(FacesView.FaceView.of(faces.get(i), results.get(i)));
        }
        return new FacesView(ChimpInference.metadata(lease), found);
    }
}
