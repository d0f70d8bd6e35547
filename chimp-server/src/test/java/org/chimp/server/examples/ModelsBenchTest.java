package org.chimp.server.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.chimp.api.Tasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench runs every example end to end (a few requests, no figures checked: figures come from the command). */
class ModelsBenchTest {
    @TempDir
    Path dir;

    @Test
    void measuresTheEmbedderAgainstBareOrtAndEveryOtherExample() throws Exception {
        ModelsBench.Result r = new ModelsBench(dir).run(4, 1, List.of(1, 2), 2);
        assertThat(r.embedder()).extracting(ModelsBench.Throughput::batch).containsExactly(1, 2);
        assertThat(r.embedder()).allMatch(t -> t.chimp() > 0 && t.bare() > 0);
        assertThat(r.latencies()).extracting(ModelsBench.Latency::task).containsExactlyInAnyOrderElementsOf(
                Tasks.all().stream().map(t -> t.id()).filter(id -> !id.equals(Tasks.TEXT_EMBEDDING.id())).toList());
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
}
