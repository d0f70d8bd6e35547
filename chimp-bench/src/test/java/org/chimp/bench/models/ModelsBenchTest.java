package org.chimp.bench.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chimp.api.Tasks;
import org.chimp.models.embedding.OnnxSentenceEmbedderArchitecture;
import org.chimp.models.game.TicTacToeMinimaxArchitecture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench runs the embedder against bare ONNX Runtime and times every other model (a few requests, no figures
 * checked: figures come from the command). chimp-server's examples are not visible here, so the test hands it
 * all-MiniLM-L6-v2 (from the langchain4j jar, as the examples do) and the TicTacToe agent.
 */
class ModelsBenchTest {
    @TempDir
    Path dir;

    @Test
    void measuresTheEmbedderAgainstBareOrtAndEveryOtherModel() throws Exception {
        ModelsBench.Subject miniLm = new ModelsBench.Subject("text-embedding", Tasks.TEXT_EMBEDDING.id(),
                OnnxSentenceEmbedderArchitecture.NAME, JsonNodeFactory.instance.objectNode(), to -> copy(to, Map.of(
                        "weights", "all-minilm-l6-v2.onnx", "tokenizer", "all-minilm-l6-v2-tokenizer.json")));
        ModelsBench.Subject game = new ModelsBench.Subject("game-move", Tasks.GAME_MOVE.id(), TicTacToeMinimaxArchitecture.NAME,
                JsonNodeFactory.instance.objectNode(), to -> Map.of());
        ModelsBench.Result r = new ModelsBench(dir).run(List.of(game, miniLm), 4, 1, List.of(1, 2), 2);
        assertThat(r.embedder()).extracting(ModelsBench.Throughput::batch).containsExactly(1, 2);
        assertThat(r.embedder()).allMatch(t -> t.chimp() > 0 && t.bare() > 0);
        assertThat(r.latencies()).extracting(ModelsBench.Latency::task).containsExactly(Tasks.GAME_MOVE.id());
        assertThat(r.table()).contains("CHIMP/bare", "game-move", "p99 ms");
    }

    @Test
    void sentencesAreTheSameEveryRunAndStatisticsAreNearestRank() {
        assertThat(ModelsBench.sentences(3)).isEqualTo(ModelsBench.sentences(3)).hasSize(3);
        assertThat(ModelsBench.median(new double[] {3, 1, 2})).isEqualTo(2);
        assertThat(ModelsBench.median(new double[] {4, 1, 2, 3})).isEqualTo(2.5);
        double[] sorted = new double[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;
        }
        assertThat(ModelsBench.percentile(sorted, 0.5)).isEqualTo(50);
        assertThat(ModelsBench.percentile(sorted, 0.99)).isEqualTo(99);
    }

    /** Copies class path resources (artifact name to resource name) into {@code dir}. */
    private static Map<String, Path> copy(Path dir, Map<String, String> resources) {
        Map<String, Path> files = new LinkedHashMap<>();
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, String> e : resources.entrySet()) {
                Path file = dir.resolve(e.getValue());
                try (InputStream in = ModelsBenchTest.class.getResourceAsStream("/" + e.getValue())) {
                    assertThat(in).as("class path resource " + e.getValue()).isNotNull();
                    Files.copy(in, file);
                }
                files.put(e.getKey(), file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }
}
