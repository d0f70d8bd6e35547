package org.chimp.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.serving.http.ServingApp.error;
import static org.chimp.serving.http.ServingApp.ok;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import org.chimp.api.vision.FaceBox;
import org.chimp.api.vision.FaceDetection;
import org.chimp.serving.Deployments;
import org.chimp.serving.ServingFixture;
import org.chimp.tracking.registry.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /model/{name}/faces} with a scripted detector (serving knows detectors only through chimp-api; the
 * OpenCV one is tested in chimp-emotion and end to end in chimp-server).
 */
class FaceInferenceTest {
    @TempDir
    Path dir;
    private ServingApp app;
    private final AtomicReference<List<FaceBox>> found = new AtomicReference<>(List.of());

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    private void start(FaceDetection detection) {
        app = new ServingApp(dir, detection);
        app.f.registerIn("faces", ServingFixture.upright(), Stage.PRODUCTION);
    }

    /** A 4x2 photo: on the left a face whose top row is bright, on the right one whose bottom row is. */
    private static String photo() throws Exception {
        BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(0, 0, 0, 255);
        img.getRaster().setSample(1, 0, 0, 255);
        img.getRaster().setSample(2, 1, 0, 255);
        img.getRaster().setSample(3, 1, 0, 255);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return "{\"inputs\": \"" + Base64.getEncoder().encodeToString(out.toByteArray()) + "\"}";
    }

    @Test
    void onlyImageClassifiersClassifyFaces() throws Exception {
        start(FaceDetection.of(image -> found.get(), "scripted"));
        app.f.registerGame("ttt");
        assertThat(error(app.send("POST", "/model/ttt/faces", photo()), 400, null))
                .isEqualTo("Model 'ttt' version 1 is of task 'game-move'; this needs a model of task 'image-classification'");
    }

    @Test
    void everyFaceIsClassifiedLargestFirst() throws Exception {
        start(FaceDetection.of(image -> found.get(), "scripted"));
        found.set(List.of(new FaceBox(0, 0, 2, 2), new FaceBox(2, 0, 2, 2), new FaceBox(2, 1, 1, 1)));
        JsonNode r = ok(app.send("POST", "/model/faces/faces", photo()));
        assertThat(r.path("metadata").path("version").asInt()).isEqualTo(1);
        assertThat(r.path("metadata").path("personal").asBoolean()).isFalse();
        JsonNode faces = r.path("faces");
        assertThat(faces).hasSize(3);
        assertThat(faces.get(0).path("box").toString()).isEqualTo("{\"x\":0,\"y\":0,\"width\":2,\"height\":2}");
        assertThat(faces.get(0).path("label").asText()).isEqualTo("top");
        assertThat(faces.get(1).path("label").asText()).isEqualTo("bottom");
        assertThat(faces.get(2).path("box").path("width").asInt()).isEqualTo(1); // the smallest last
        assertThat(faces.get(0).path("labels").toString()).isEqualTo("[\"top\",\"bottom\",\"dark\"]");
        assertThat(faces.get(0).path("probabilities")).hasSize(3).allSatisfy(p -> assertThat(p.isNumber()).isTrue());
        assertThat(r.fieldNames()).toIterable().containsExactly("metadata", "faces");
        assertThat(faces.get(0).fieldNames()).toIterable().containsExactly("box", "labels", "probabilities", "label");

        // A personal version answers its user here too.
        int alices = app.f.register("faces", ServingFixture.flipped(), ServingFixture.LABELS);
        app.f.registry.setVersionTag("faces", alices, Deployments.USER_TAG, "alice");
        JsonNode forAlice = ok(app.send("POST", "/model/faces/faces?id=alice", photo()));
        assertThat(forAlice.path("metadata").path("personal").asBoolean()).isTrue();
        assertThat(forAlice.path("faces").get(0).path("label").asText()).isEqualTo("bottom");
    }

    @Test
    void aPhotoWithoutFacesHasAnEmptyList() throws Exception {
        start(FaceDetection.of(image -> List.of(), "scripted"));
        JsonNode r = ok(app.send("POST", "/model/faces/faces", photo()));
        assertThat(r.path("faces").isArray()).isTrue();
        assertThat(r.path("faces")).isEmpty();
        assertThat(r.path("metadata").path("name").asText()).isEqualTo("faces");
    }

    @Test
    void badInputsAre4xxAndDetectionOffIsA503SayingWhy() throws Exception {
        start(FaceDetection.of(image -> found.get(), "scripted"));
        error(app.send("POST", "/model/faces/faces", "{}"), 400, null);
        error(app.send("POST", "/model/faces/faces", "{\"inputs\": [\"a\", \"b\"]}"), 400, null);
        error(app.send("POST", "/model/faces/faces", "{\"inputs\": \"bm90IGFuIGltYWdl\"}"), 400, null);
        error(app.send("POST", "/model/faces/faces", "[1]"), 400, null);
        error(app.send("POST", "/model/faces/faces?id=../x", photo()), 400, null);
        error(app.send("POST", "/model/faces/faces?stage=archived", photo()), 400, null);
        error(app.send("POST", "/model/nobody/faces", photo()), 404, null);
        app.close();

        app = new ServingApp(dir.resolve("off"), FaceDetection.off("no Haar cascade file (install Debian's opencv-data package)"));
        app.f.registerIn("faces", ServingFixture.upright(), Stage.PRODUCTION);
        String message = error(app.send("POST", "/model/faces/faces", photo()), 503, null);
        assertThat(message).startsWith("face detection is off").contains("opencv-data");
        // Inference without faces still works.
        ok(app.send("POST", "/model/faces/infer", photo()));
    }
}
