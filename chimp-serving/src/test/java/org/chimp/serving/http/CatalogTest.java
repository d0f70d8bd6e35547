package org.chimp.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.serving.http.ServingApp.ok;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class CatalogTest extends ServingAppPerTest {
    private static JsonNode byKey(JsonNode list, String key, String value) {
        for (JsonNode n : list) {
            if (n.path(key).asText().equals(value)) {
                return n;
            }
        }
        throw new AssertionError("no " + key + " " + value + " in " + list);
    }

    @Test
    void tasksListTheirSchemasWithExamplesAndTheirArchitectures() throws Exception {
        JsonNode tasks = ok(app.send("GET", "/tasks", null)).path("tasks");
        JsonNode game = byKey(tasks, "id", "game-move");
        assertThat(game.path("description").asText()).isNotBlank();
        assertThat(game.path("architectures").toString()).isEqualTo("[\"tictactoe-minimax\"]");
        assertThat(game.path("input").path("type").asText()).isEqualTo("tictactoe-board");
        assertThat(game.path("input").path("schema").path("required").toString()).isEqualTo("[\"board\",\"player\"]");
        JsonNode example = game.path("input").path("schema").path("examples").get(0);
        assertThat(example.path("player").asText()).isEqualTo("X");
        assertThat(game.path("output").path("schema").path("properties").has("move")).isTrue();

        JsonNode images = byKey(tasks, "id", "image-classification");
        assertThat(images.path("architectures").toString()).contains("onnx-classifier");
        assertThat(images.path("input").path("schema").path("examples")).hasSize(1);
    }

    @Test
    void anExampleFromTheCatalogueIsAValidRequest() throws Exception {
        app.f.registerGame("ttt");
        JsonNode tasks = ok(app.send("GET", "/tasks", null)).path("tasks");
        JsonNode example = byKey(tasks, "id", "game-move").path("input").path("schema").path("examples").get(0);
        JsonNode r = ok(app.send("POST", "/model/ttt/infer", "{\"inputs\": " + example + "}"));
        assertThat(r.path("predictions").path("move").asInt()).isBetween(0, 8);
    }

    @Test
    void architecturesListParametersAndRequiredArtifacts() throws Exception {
        JsonNode all = ok(app.send("GET", "/architectures", null)).path("architectures");
        JsonNode onnx = byKey(all, "name", "onnx-classifier");
        assertThat(onnx.path("task").asText()).isEqualTo("image-classification");
        assertThat(onnx.path("required_artifacts").toString()).isEqualTo("[\"weights\"]");
        JsonNode softmax = byKey(onnx.path("parameters"), "name", "softmax");
        assertThat(softmax.path("type").asText()).isEqualTo("bool");
        assertThat(softmax.path("optional").asBoolean()).isTrue();
        assertThat(softmax.path("default").asBoolean(true)).isFalse();
        assertThat(byKey(onnx.path("parameters"), "name", "labels").has("default")).isFalse();

        JsonNode minimax = byKey(all, "name", "tictactoe-minimax");
        assertThat(minimax.path("task").asText()).isEqualTo("game-move");
        assertThat(minimax.path("parameters")).isEmpty();
        assertThat(minimax.path("required_artifacts")).isEmpty();
    }
}
