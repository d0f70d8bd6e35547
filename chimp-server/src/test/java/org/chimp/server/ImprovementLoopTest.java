package org.chimp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.awaitility.Awaitility;
import org.chimp.server.ApiClient.Reply;
import org.chimp.server.node.ChimpNode;
import org.chimp.training.sample.SyntheticFaces;
import org.chimp.training.sample.SyntheticFaces.Expression;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The improvement loop over HTTP, as a user drives it: train emotion-cnn with promote=auto (a first version goes
 * in, a worse one is kept out, a version allowed by its margin goes in), find faces in a photo, calibrate for a
 * user and be answered by the personal version, roll back, watch a dataset; and the mistakes along the way get
 * clear 4xx answers that change nothing.
 */
class ImprovementLoopTest {
    private static final String TOKEN = "loop-test-token-0123456789";
    private static final Path CASCADE = Path.of("/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml");

    @TempDir
    Path dir;
    private StandaloneFixture chimp;
    private ChimpNode node;
    private ApiClient api;

    @BeforeEach
    void start() throws IOException {
        chimp = StandaloneFixture.start(dir, TOKEN);
        node = chimp.node();
        api = chimp.api();
    }

    @AfterEach
    void stop() {
        chimp.close();
    }

    @Test
    void trainPromoteFindFacesCalibrateAskAndRollBack() throws Exception {
        Path faces = dir.resolve("faces.zip");
        SyntheticFaces.writeZip(faces, 16, 4, 7);
        assertThat(api.postFile("/datasets", faces, Map.of("dataset_name", "faces")).status()).isEqualTo(200);

        // 1. promote=auto: the first version goes to Production (nothing to beat).
        JsonNode first = train("emotion-cnn", Map.of("epochs", "4", "batch_size", "16", "promote", "auto"), "train", "faces");
        assertThat(first.get("model_version").asInt()).isEqualTo(1);
        assertThat(version(1).at("/current_stage").asText()).isEqualTo("Production");
        assertThat(tag(version(1), "chimp.promotion.decision")).isEqualTo("promoted");
        // A barely trained version is kept out, with both scores on record.
        train("emotion-cnn", Map.of("epochs", "1", "batch_size", "16", "learning_rate", "0.000001", "promote", "auto"), "train", "faces");
        assertThat(version(2).at("/current_stage").asText()).isEqualTo("None");
        assertThat(tag(version(2), "chimp.promotion.decision")).isEqualTo("kept");
        assertThat(tag(version(2), "chimp.promotion.production_accuracy")).isNotBlank();
        // One allowed a margin of -1 goes in: Production is now version 3.
        train("emotion-cnn", Map.of("epochs", "1", "batch_size", "16", "promote", "auto", "promotion_margin", "-1"), "train", "faces");
        assertThat(version(3).at("/current_stage").asText()).isEqualTo("Production");
        assertThat(servedVersion(null)).isEqualTo(3);

        // 2. Faces in a photo: every face, largest first; a photo without faces has none.
        if (Files.isRegularFile(CASCADE)) {
            Reply found = api.postJson("/model/emotion/faces", Map.of("inputs", photo(true)));
            assertThat(found.status()).as(found.text()).isEqualTo(200);
            JsonNode list = found.json().get("faces");
            assertThat(list).hasSize(2);
            assertThat(list.get(0).at("/box/width").asInt()).isGreaterThan(list.get(1).at("/box/width").asInt());
            assertThat(list.get(0).get("labels")).hasSize(5);
            assertThat(list.get(0).get("label").asText()).isNotBlank();
            assertThat(found.json().at("/metadata/version").asInt()).isEqualTo(3);
            Reply none = api.postJson("/model/emotion/faces", Map.of("inputs", photo(false)));
            assertThat(none.json().get("faces")).isEmpty();
        }

        // 3. Calibration for alice: a personal version, never staged, that answers her and only her.
        Path frames = dir.resolve("alice.zip");
        SyntheticFaces.writeZip(frames, 8, 2, 21);
        assertThat(api.postFile("/datasets", frames, Map.of("dataset_name", "alice-frames")).status()).isEqualTo(200);
        JsonNode calibrated = train("emotion-calibration", Map.of("user", "alice", "epochs", "2"), "calibration", "alice-frames");
        int personal = calibrated.get("model_version").asInt();
        assertThat(personal).isEqualTo(4);
        assertThat(calibrated.at("/metrics/user_accuracy_before").isNumber()).isTrue();
        assertThat(calibrated.at("/metrics/user_accuracy_after").isNumber()).isTrue();
        assertThat(version(4).at("/current_stage").asText()).isEqualTo("None");
        assertThat(tag(version(4), "chimp.user")).isEqualTo("alice");
        assertThat(tag(version(4), "chimp.parent_version")).isEqualTo("3");
        Reply forAlice = api.postJson("/model/emotion/infer?id=alice", Map.of("inputs", face()));
        assertThat(forAlice.json().at("/metadata/personal").asBoolean()).isTrue();
        assertThat(forAlice.json().at("/metadata/version").asInt()).isEqualTo(4);
        Reply forBob = api.postJson("/model/emotion/infer?id=bob", Map.of("inputs", face()));
        assertThat(forBob.json().at("/metadata/personal").asBoolean()).isFalse();
        assertThat(forBob.json().at("/metadata/version").asInt()).isEqualTo(3);

        // 4. Rollback: version 1 is back in Production and serving switches without a restart.
        Reply back = api.postJson("/api/2.0/chimp/models/rollback", Map.of("name", "emotion"));
        assertThat(back.status()).as(back.text()).isEqualTo(200);
        assertThat(back.json().at("/model_version/version").asText()).isEqualTo("1");
        assertThat(version(3).at("/current_stage").asText()).isEqualTo("Archived");
        assertThat(awaitServed(1)).isEqualTo(1);
        // Version 1 was the first in Production: a second rollback has nowhere to go.
        Reply again = api.postJson("/api/2.0/chimp/models/rollback", Map.of("name", "emotion"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(servedVersion(null)).isEqualTo(1);

        // 5. A retraining trigger: a new version of the dataset with enough new files starts a task.
        Reply trigger = api.postJson("/api/2.0/chimp/triggers", Map.of("dataset", "faces", "plugin", "emotion-cnn",
                "arguments", Map.of("epochs", 1, "batch_size", 16), "min_new_files", 10));
        assertThat(trigger.status()).as(trigger.text()).isEqualTo(200);
        assertThat(trigger.json().at("/trigger/seen_version").asInt()).isEqualTo(1);
        Path more = dir.resolve("more.zip");
        SyntheticFaces.writeZip(more, 20, 4, 8);
        assertThat(api.postFile("/datasets", more, Map.of("dataset_name", "faces")).status()).isEqualTo(200);
        var started = node.services().triggers().check();
        assertThat(started).hasSize(1);
        JsonNode retrained = runToEnd(started.get(0).id());
        assertThat(retrained.get("successful").asBoolean()).as(retrained.toString()).isTrue();
        assertThat(api.get("/api/2.0/chimp/triggers").json().at("/triggers/0/seen_version").asInt()).isEqualTo(2);
    }

    @Test
    void mistakesAlongTheLoopAreClear4xxsThatChangeNothing() throws Exception {
        // Calibrating a model that has no Production version fails the task with the reason.
        Path frames = dir.resolve("alice.zip");
        SyntheticFaces.writeZip(frames, 3, 1, 21);
        assertThat(api.postFile("/datasets", frames, Map.of("dataset_name", "alice-frames")).status()).isEqualTo(200);
        Reply run = api.postForm("/tasks/run/emotion-calibration", Map.of("user", "alice", "model_name", "nobody",
                "datasets", "{\"calibration\": \"alice-frames\"}"));
        assertThat(run.status()).as(run.text()).isEqualTo(200);
        JsonNode poll = runToEnd(run.json().get("task_id").asText());
        assertThat(poll.get("successful").asBoolean()).isFalse();
        assertThat(poll.get("value").asText()).contains("no Production version");

        // Refused before queueing: no frames, a bad user id, wrong argument types.
        for (Map<String, String> bad : List.of(Map.of("user", "alice"),
                Map.of("user", "../../etc", "datasets", "{\"calibration\": \"alice-frames\"}"),
                Map.of("user", "u".repeat(1000), "datasets", "{\"calibration\": \"alice-frames\"}"),
                Map.of("user", "alice", "epochs", "lots", "datasets", "{\"calibration\": \"alice-frames\"}"),
                Map.of("user", "alice", "replay_fraction", "2", "datasets", "{\"calibration\": \"alice-frames\"}"))) {
            assertThat(api.postForm("/tasks/run/emotion-calibration", bad).status()).as(bad.toString()).isEqualTo(400);
        }
        assertThat(api.postForm("/tasks/run/emotion-cnn", Map.of("promote", "always", "datasets", "{\"train\": \"alice-frames\"}"))
                .status()).isEqualTo(400);
        assertThat(api.postForm("/tasks/run/emotion-cnn", Map.of("promotion_margin", "high", "datasets", "{\"train\": \"alice-frames\"}"))
                .status()).isEqualTo(400);

        // Serving: unknown model, bad ids, faces in something that is not one photo.
        assertThat(api.postJson("/model/nobody/faces", Map.of("inputs", face())).status()).isEqualTo(404);
        assertThat(api.postJson("/model/nobody/infer?id=x", Map.of("inputs", face())).status()).isEqualTo(404);
        assertThat(api.postJson("/model/nobody/infer?id=" + "x".repeat(500), Map.of("inputs", face())).status()).isEqualTo(400);
        assertThat(api.postJson("/model/nobody/faces", Map.of("inputs", List.of(face(), face()))).status()).isIn(400, 404);

        // Registry: rollback of an unknown model, of a malformed request.
        assertThat(api.postJson("/api/2.0/chimp/models/rollback", Map.of("name", "nobody")).status()).isEqualTo(404);
        assertThat(api.postJson("/api/2.0/chimp/models/rollback", Map.of("name", 5)).status()).isEqualTo(400);
        assertThat(api.postJson("/api/2.0/chimp/models/rollback", Map.of()).status()).isEqualTo(400);

        // Triggers: wrong types and unknown plugins store nothing.
        assertThat(api.postJson("/api/2.0/chimp/triggers", Map.of("dataset", "faces", "plugin", "emotion-cnn",
                "min_new_files", "ten")).status()).isEqualTo(400);
        assertThat(api.postJson("/api/2.0/chimp/triggers", Map.of("dataset", "faces", "plugin", "nope", "min_new_files", 1))
                .status()).isEqualTo(404);
        assertThat(api.postJson("/api/2.0/chimp/triggers", Map.of("dataset", "faces", "plugin", "emotion-cnn",
                "arguments", Map.of("epochs", Map.of("a", 1)), "min_new_files", 1)).status()).isEqualTo(400);
        assertThat(api.get("/api/2.0/chimp/triggers").json().get("triggers")).isEmpty();
        assertThat(api.get("/api/2.0/mlflow/registered-models/search").json().toString()).doesNotContain("nobody");
    }

    // ---- steps ----

    private JsonNode train(String plugin, Map<String, String> args, String datasetKey, String dataset) throws Exception {
        Map<String, String> form = new HashMap<>(args);
        form.put("datasets", "{\"" + datasetKey + "\": \"" + dataset + "\"}");
        Reply r = api.postForm("/tasks/run/" + plugin, form);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        JsonNode poll = runToEnd(r.json().get("task_id").asText());
        assertThat(poll.get("successful").asBoolean()).as(poll.toString()).isTrue();
        return poll.get("value");
    }

    private JsonNode runToEnd(String taskId) {
        return Tasks.await(api, taskId, p -> p.get("ready").asBoolean(), Duration.ofMinutes(4));
    }

    private JsonNode version(int v) throws Exception {
        Reply r = api.get("/api/2.0/mlflow/model-versions/get?name=emotion&version=" + v);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().get("model_version");
    }

    private static String tag(JsonNode version, String key) {
        for (JsonNode t : version.path("tags")) {
            if (t.get("key").asText().equals(key)) {
                return t.get("value").asText();
            }
        }
        return null;
    }

    private int servedVersion(String user) throws Exception {
        Reply r = api.postJson("/model/emotion/infer" + (user == null ? "" : "?id=" + user), Map.of("inputs", face()));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().at("/metadata/version").asInt();
    }

    private int awaitServed(int wanted) {
        // The new version loads in the background (an ONNX session): a ceiling for a loaded machine, not a time.
        return Awaitility.await().alias("serving answers with version " + wanted).atMost(Duration.ofSeconds(60))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(() -> servedVersion(null), served -> served == wanted);
    }

    private static String face() {
        return Base64.getEncoder().encodeToString(SyntheticFaces.png(Expression.HAPPY, new Random(3), 48));
    }

    /** A 320x240 photo with a large and a small face, or none. */
    private static String photo(boolean withFaces) throws IOException {
        BufferedImage img = new BufferedImage(320, 240, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(128, 128, 128));
        g.fillRect(0, 0, 320, 240);
        if (withFaces) {
            Random rnd = new Random(3);
            g.drawImage(SyntheticFaces.draw(Expression.HAPPY, rnd, 128), 20, 40, null);
            g.drawImage(SyntheticFaces.draw(Expression.SAD, rnd, 80), 210, 70, null);
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }
}
