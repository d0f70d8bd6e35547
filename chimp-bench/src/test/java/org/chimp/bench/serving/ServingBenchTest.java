package org.chimp.bench.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every variant of {@code chimp bench serving} answers 200 throughout (a short run; figures come from the command). */
class ServingBenchTest {
    @TempDir
    Path dir;

    @Test
    void everyVariantRunsNextToTheBareHandler() throws Exception {
        try (ServingBench bench = new ServingBench(dir)) {
            ServingBench.Report report = bench.run(List.of(1), 200, 300);
            List<ServingBench.Row> rows = report.rows();
            assertThat(report.ortCall().perSecond()).isPositive();
            assertThat(rows).extracting(ServingBench.Row::variant).containsExactly("HTTP alone (no parse, no model)", "bare Javalin + ORT (OIP JSON)",
                    "CHIMP /model/{name}/infer JSON", "CHIMP OIP JSON", "CHIMP OIP binary tensors", "CHIMP OIP JSON, batching 32/2ms");
            // Load.run throws on any answer but 200, so each row's requests all succeeded; each made some.
            assertThat(rows).allMatch(r -> r.result().perSecond() > 0);
        }
    }
}
