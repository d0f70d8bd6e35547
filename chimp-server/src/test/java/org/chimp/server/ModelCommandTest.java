package org.chimp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.server.CommandRun.chimp;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.chimp.server.node.ChimpNode;
import org.chimp.server.node.NodeSettings;
import org.chimp.server.node.Role;
import org.chimp.tracking.ActiveRun;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.tracking.registry.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code chimp model rollback NAME} against a running node, with the token from the data directory. */
class ModelCommandTest {
    private static final String TOKEN = "model-command-token-0123456789";

    @TempDir
    Path dir;

    @Test
    void rollbackPutsThePreviousProductionVersionBack() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("admin-token"), TOKEN + "\n");
        try (ChimpNode node = ChimpNode.start(new NodeSettings(data, null, "embedded", null, TOKEN),
                Map.of(0, Set.of(Role.TRACKING)), null)) {
            ModelRegistry registry = node.services().registry();
            ActiveRun run = node.services().tracking().startRun(node.services().tracking().getOrCreateExperiment("e"), "r", Map.of());
            Path weights = Files.writeString(dir.resolve("model.onnx"), "w");
            for (int v = 1; v <= 2; v++) {
                registry.registerModel(run, "emotion", "image-classification", "onnx-classifier",
                        JsonNodeFactory.instance.objectNode(), Map.of("weights", weights));
                registry.transitionStage("emotion", v, Stage.PRODUCTION, true);
            }
            String url = "http://127.0.0.1:" + node.port(Role.TRACKING);

            CommandRun ok = chimp("model", "--url", url, "--data-dir", data.toString(), "rollback", "emotion");
            assertThat(ok.code()).as(ok.err()).isZero();
            assertThat(ok.out()).contains("version 1 is in Production again");
            assertThat(registry.latest("emotion", Stage.PRODUCTION).orElseThrow().version()).isEqualTo(1);
            assertThat(registry.version("emotion", 2).stage()).isEqualTo(Stage.ARCHIVED);

            CommandRun none = chimp("model", "--url", url, "--data-dir", data.toString(), "rollback", "emotion");
            assertThat(none.code()).isEqualTo(1);
            assertThat(none.err()).contains("no earlier Production version");
            assertThat(registry.latest("emotion", Stage.PRODUCTION).orElseThrow().version()).isEqualTo(1);

            CommandRun noToken = chimp("model", "--url", url, "--data-dir", dir.resolve("elsewhere").toString(), "rollback", "emotion");
            assertThat(noToken.code()).isEqualTo(2);
            assertThat(noToken.err()).contains("no admin token");
        }
    }
}
