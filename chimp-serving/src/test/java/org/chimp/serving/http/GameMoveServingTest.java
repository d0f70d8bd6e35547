package org.chimp.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.serving.http.ServingApp.error;
import static org.chimp.serving.http.ServingApp.ok;

import com.fasterxml.jackson.databind.JsonNode;
import org.chimp.serving.ServingFixture;
import org.chimp.tracking.registry.Stage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A second task through the same door: game-move served over real HTTP, with no serving code of its own. */
class GameMoveServingTest extends ServingAppPerTest {
    /** X in the corner and the centre, O on top: O must block the diagonal at 8. */
    private static final String BOARD = "{\"board\": [\"X\", \"O\", \"\", \"\", \"X\", \"\", \"\", \"\", \"\"], \"player\": \"O\"}";

    @BeforeEach
    void start() {
        app.f.registerGame("ttt");
        app.f.registerIn("faces", ServingFixture.upright(), Stage.PRODUCTION);
    }

    @Test
    void chimpInferAnswersTheMoveForOneBoardOrABatch() throws Exception {
        JsonNode r = ok(app.send("POST", "/model/ttt/infer", "{\"inputs\": " + BOARD + "}"));
        assertThat(r.path("predictions").toString()).isEqualTo("{\"move\":8}");
        assertThat(r.path("metadata").path("task").asText()).isEqualTo("game-move");
        assertThat(r.path("metadata").path("architecture").asText()).isEqualTo("tictactoe-minimax");
        assertThat(r.path("metadata").path("signature").path("outputs").get(0).path("name").asText()).isEqualTo("move");

        String empty = "{\"board\": [\"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\"], \"player\": \"X\"}";
        JsonNode batch = ok(app.send("POST", "/model/ttt/infer", "{\"inputs\": [" + BOARD + ", " + empty + "]}"));
        assertThat(batch.path("predictions")).hasSize(2);
        assertThat(batch.path("predictions").get(0).path("move").asInt()).isEqualTo(8);
    }

    @Test
    void hostileBoardsAre400s() throws Exception {
        assertThat(error(app.send("POST", "/model/ttt/infer", "{\"inputs\": {\"board\": [\"X\"], \"player\": \"O\"}}"), 400, null))
                .contains("'board' must list 9 cells");
        assertThat(error(app.send("POST", "/model/ttt/infer",
                "{\"inputs\": {\"board\": [\"X\", \"X\", \"X\", \"O\", \"O\", \"\", \"\", \"\", \"\"], \"player\": \"O\"}}"), 400, null))
                .contains("already decided");
        assertThat(error(app.send("POST", "/model/ttt/infer",
                "{\"inputs\": {\"board\": [\"X\", \"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\"], \"player\": \"X\"}}"), 400, null))
                .contains("It is O's turn");
        assertThat(error(app.send("POST", "/model/ttt/infer",
                "{\"inputs\": {\"board\": [\"X\", \"<script>\", \"\", \"\", \"\", \"\", \"\", \"\", \"\"], \"player\": \"O\"}}"), 400, null))
                .contains("cell 1 must be");
        StringBuilder many = new StringBuilder("{\"inputs\": [");
        for (int i = 0; i < ServingRoutes.MAX_BATCH + 1; i++) {
            many.append(i == 0 ? "" : ", ").append(BOARD);
        }
        assertThat(error(app.send("POST", "/model/ttt/infer", many + "]}"), 400, null)).contains("At most 64 inputs");
        assertThat(error(app.send("POST", "/model/ttt/infer", "{\"board\": []}"), 400, null)).contains("task 'game-move'");
    }

    @Test
    void openInferenceTakesBoardsAsCellTensorsAndAnswersInt32Moves() throws Exception {
        JsonNode r = ok(app.send("POST", "/v2/models/ttt/infer", """
                {"id": "g1", "inputs": [{"name": "board", "shape": [2, 9], "datatype": "INT32",
                  "data": [1, 2, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 2, 2, 0, 0, 0, 0]}]}"""));
        assertThat(r.path("id").asText()).isEqualTo("g1");
        JsonNode out = r.path("outputs").get(0);
        assertThat(out.path("name").asText()).isEqualTo("move");
        assertThat(out.path("datatype").asText()).isEqualTo("INT32");
        assertThat(out.path("shape").toString()).isEqualTo("[2]");
        // O blocks at 8; X wins at once at 2
        assertThat(out.path("data").toString()).isEqualTo("[8,2]");

        JsonNode meta = ok(app.send("GET", "/v2/models/ttt", null));
        assertThat(meta.path("platform").asText()).isEqualTo("chimp");
        assertThat(meta.path("inputs").toString()).isEqualTo("[{\"name\":\"board\",\"datatype\":\"INT32\",\"shape\":[-1,9]}]");

        assertThat(error(app.send("POST", "/v2/models/ttt/infer", """
                {"inputs": [{"name": "board", "shape": [1, 9], "datatype": "INT32", "data": [2, 2, 0, 0, 0, 0, 0, 0, 0]}]}"""), 400, null))
                .contains("impossible");
        assertThat(error(app.send("POST", "/v2/models/ttt/infer", """
                {"inputs": [{"name": "board", "shape": [1, 3, 3], "datatype": "INT32", "data": [0, 0, 0, 0, 0, 0, 0, 0, 0]}]}"""), 400, null))
                .contains("send shape [N, 9]");
        assertThat(error(app.send("POST", "/v2/models/ttt/infer", """
                {"inputs": [{"name": "board", "shape": [1, 9], "datatype": "INT32", "data": [0, 0, 0]}]}"""), 400, null))
                .contains("needs 9 values in 'data', got 3");
    }

    @Test
    void inputsOfOneTaskSentToAModelOfAnotherAre400s() throws Exception {
        // A board sent to the image classifier is refused by the image type, not run.
        assertThat(error(app.send("POST", "/model/faces/infer", "{\"inputs\": " + BOARD + "}"), 400, null)).contains("base64 PNG/JPEG");
        assertThat(error(app.send("POST", "/v2/models/faces/infer", """
                {"inputs": [{"name": "board", "shape": [1, 9], "datatype": "INT32", "data": [0, 0, 0, 0, 0, 0, 0, 0, 0]}]}"""), 400, null))
                .contains("datatype must be FP32, UINT8 or BYTES");
    }
}
