package org.chimp.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.serving.http.ServingApp.error;
import static org.chimp.serving.http.ServingApp.ok;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.chimp.api.vision.FaceDetection;
import org.chimp.serving.ServingFixture;
import org.chimp.tracking.registry.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MLflow's scoring protocol at {@code POST /invocations} on the configured model ("faces" in {@link ServingApp}). */
class InvocationsTest {
    @TempDir
    Path dir;

    @Test
    void instancesInputsAndDataFramesScoreTheConfiguredModel() throws Exception {
        try (ServingApp app = new ServingApp(dir)) {
            app.f.registerIn("faces", ServingFixture.upright(), Stage.PRODUCTION);
            // Feature vectors, as MLflow clients send tabular rows.
            JsonNode features = ok(app.send("POST", "/invocations", "{\"instances\": [[1, 1, 0, 0], [0, 0, 1, 1]]}"));
            assertThat(features.path("predictions")).hasSize(2);
            assertThat(best(features.path("predictions").get(0))).isEqualTo(0);
            assertThat(best(features.path("predictions").get(1))).isEqualTo(1);
            // Images, read by the task's input type.
            JsonNode images = ok(app.send("POST", "/invocations", "{\"inputs\": [[[0, 0], [255, 255]]]}"));
            assertThat(best(images.path("predictions").get(0))).isEqualTo(1);
            JsonNode frame = ok(app.send("POST", "/invocations",
                    "{\"dataframe_split\": {\"columns\": [\"a\", \"b\", \"c\", \"d\"], \"data\": [[1, 1, 0, 0]]}}"));
            assertThat(best(frame.path("predictions").get(0))).isEqualTo(0);
            JsonNode oneColumn = ok(app.send("POST", "/invocations", "{\"dataframe_split\": {\"columns\": [\"image\"], "
                    + "\"data\": [[\"" + ServingApp.png(false) + "\"]]}}"));
            assertThat(best(oneColumn.path("predictions").get(0))).isEqualTo(1);

            assertThat(error(app.send("POST", "/invocations", "{\"records\": []}"), 400, null)).contains("dataframe_split");
            assertThat(error(app.send("POST", "/invocations", "{\"instances\": []}"), 400, null)).contains("1 to 64 instances");
            error(app.send("POST", "/invocations", "{\"instances\": [[1, 2, 3]]}"), 400, null);
            error(app.send("POST", "/invocations", "{\"dataframe_split\": {\"columns\": [\"x\"], \"data\": [[1, 2]]}}"), 400, null);
        }
    }

    @Test
    void withoutAConfiguredModelTheRouteSaysHowToSetOne() throws Exception {
        try (ServingApp app = new ServingApp(dir, FaceDetection.off("none"), null)) {
            assertThat(error(app.send("POST", "/invocations", "{\"instances\": [[1, 1, 0, 0]]}"), 404, null))
                    .contains("--invocations-model");
        }
    }

    /** The index of the highest probability of one classification's JSON. */
    private static int best(JsonNode prediction) {
        JsonNode p = prediction.has("probabilities") ? prediction.get("probabilities") : prediction;
        int best = 0;
        for (int i = 1; i < p.size(); i++) {
            if (p.get(i).asDouble() > p.get(best).asDouble()) {
                best = i;
            }
        }
        return best;
    }
}
