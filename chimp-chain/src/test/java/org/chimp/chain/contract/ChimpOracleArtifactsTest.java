package org.chimp.chain.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.chimp.chain.devnet.DevChain;
import org.chimp.chain.devnet.NodeTools;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed ABI/BIN files are what the pinned solc makes of the committed sources. */
@Tag("slow")
class ChimpOracleArtifactsTest {

    @Test
    void committedAbiAndBinMatchTheSources(@TempDir Path out) throws Exception {
        NodeTools tools = DevChain.tools();
        Process compile = new ProcessBuilder(List.of(tools.node().toString(), "scripts/compile.js", "--out", out.toString()))
                .directory(tools.dir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.resolve("compile.log").toFile())
                .start();
        assertThat(compile.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(compile.exitValue()).as(Files.readString(out.resolve("compile.log"))).isZero();

        Path contracts = tools.dir().resolve("contracts");
        List<Path> fresh;
        try (Stream<Path> files = Files.walk(out.resolve("contracts"))) {
            fresh = files.filter(f -> f.toString().endsWith(".abi") || f.toString().endsWith(".bin")).sorted().toList();
        }
        List<Path> committed;
        try (Stream<Path> files = Files.walk(contracts)) {
            committed = files.filter(f -> f.toString().endsWith(".abi") || f.toString().endsWith(".bin")).sorted().toList();
        }
        assertThat(committed.stream().map(contracts::relativize).map(Path::toString))
                .as("artifacts without a contract, or contracts without artifacts: run chimp-chain/scripts/compile.sh")
                .containsExactlyElementsOf(fresh.stream().map(out.resolve("contracts")::relativize).map(Path::toString).toList());
        for (Path file : fresh) {
            Path mine = contracts.resolve(out.resolve("contracts").relativize(file).toString());
            assertThat(Files.readString(mine))
                    .as(mine + " is stale: run chimp-chain/scripts/compile.sh")
                    .isEqualTo(Files.readString(file));
        }
        assertThat(fresh).extracting(f -> f.getFileName().toString()).contains("ChimpOracle.abi", "ChimpOracle.bin");
    }
}
