package org.chimp.bench.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.chimp.db.TestDatabases;
import org.chimp.store.FileBlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store bench on the filesystem, small: one row per measurement (the warm-up prints none), nothing left behind. */
class StoreBenchTest {
    @TempDir
    Path dir;

    @Test
    void printsOneRowPerMeasurementAfterAnUnmeasuredPassAndCleansUp() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (var ds = TestDatabases.h2(); PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            new StoreBench(dir.resolve("scratch"), 2_000_000, out)
                    .run(List.of(new StoreBench.Target("filesystem", new FileBlobStore(dir.resolve("fs")), null, null, null)), () -> ds);
        }
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertThat(table).contains("after an unmeasured pass over 2.0 MB");
        assertThat(table.lines().filter(l -> l.startsWith("filesystem"))).hasSize(2);
        assertThat(table.lines().filter(l -> l.startsWith("disk"))).hasSize(1);
        try (var left = Files.list(dir.resolve("scratch"))) {
            assertThat(left.filter(Files::isRegularFile)).isEmpty();
        }
    }
}
