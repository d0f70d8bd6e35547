package org.chimp.server.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.server.CommandRun.chimp;

import java.nio.file.Files;
import java.nio.file.Path;
import org.chimp.server.CommandRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code chimp models validate CONFIG.json}: offline checks of a model config, exit code 0 or 1. */
class ModelValidateCommandTest {
    private static final String SHA = "sha256:" + "ab".repeat(32);

    @TempDir
    Path dir;

    private CommandRun validate(String json) throws Exception {
        Path file = dir.resolve("config-" + System.nanoTime() + ".json");
        Files.writeString(file, json);
        return chimp("models", "validate", file.toString());
    }

    @Test
    void validConfigsExitZero() throws Exception {
        CommandRun game = validate("{\"task\": \"game-move\", \"architecture\": \"tictactoe-minimax\"}");
        assertThat(game.code()).as(game.err()).isZero();
        assertThat(game.out()).contains("a valid model config of task 'game-move', architecture 'tictactoe-minimax'");

        CommandRun onnx = validate("{\"task\": \"image-classification\", \"architecture\": \"onnx-classifier\", \"artifacts\": {\"weights\": \""
                + SHA + "\"}, \"labels\": [\"a\", \"b\"], \"preprocessing\": {\"width\": 2, \"height\": 2}}");
        assertThat(onnx.code()).as(onnx.err()).isZero();
        assertThat(onnx.out()).contains("artifacts [weights]");
    }

    @Test
    void invalidConfigsExitOneSayingWhy() throws Exception {
        assertInvalid(validate("{\"task\": \"chess\", \"architecture\": \"tictactoe-minimax\"}"), "Unknown task 'chess'");
        assertInvalid(validate("{\"task\": \"game-move\", \"architecture\": \"nope\"}"), "Unknown architecture 'nope'");
        assertInvalid(validate("{\"task\": \"image-classification\", \"architecture\": \"tictactoe-minimax\"}"),
                "implements task 'game-move', not 'image-classification'");
        assertInvalid(validate("{\"task\": \"game-move\", \"architecture\": \"tictactoe-minimax\", \"depth\": 3}"),
                "'depth' is not a parameter");
        assertInvalid(validate("{\"task\": \"image-classification\", \"architecture\": \"onnx-classifier\", \"labels\": [\"a\"], "
                + "\"preprocessing\": {}}"), "needs artifacts [weights]");
        assertInvalid(validate("{\"task\": \"image-classification\", \"architecture\": \"onnx-classifier\", \"artifacts\": "
                + "{\"weights\": \"https://example.com/model.onnx\"}, \"labels\": [\"a\"], \"preprocessing\": {}}"), "sha256:<64 hex digits>");
        assertInvalid(validate("{\"task\": \"image-classification\", \"architecture\": \"onnx-classifier\", \"artifacts\": "
                + "{\"weights\": \"" + SHA + "\"}, \"softmax\": \"maybe\"}"), "'labels' is required");
        assertInvalid(validate("{\"task\": "), "valid JSON");
        assertInvalid(chimp("models", "validate", dir.resolve("missing.json").toString()), "no such file");
    }

    private static void assertInvalid(CommandRun r, String message) {
        assertThat(r.code()).as(r.out()).isEqualTo(1);
        assertThat(r.err()).startsWith("chimp models validate: ").contains(message);
    }
}
