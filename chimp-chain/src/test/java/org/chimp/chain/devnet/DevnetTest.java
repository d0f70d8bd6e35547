package org.chimp.chain.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.chimp.chain.KeyFile;
import org.chimp.chain.OracleCalls;
import org.chimp.chain.contract.ChimpOracle;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

@Tag("slow")
class DevnetTest {
    @TempDir
    Path dataDir;

    @Test
    void aDevnetHasADeployedOracleOwnedAndSequencedByAFundedDevKey() throws Exception {
        // reuse the module's installed tools instead of installing them again into the temp data dir
        Files.createDirectories(dataDir.resolve("chain"));
        Files.createSymbolicLink(dataDir.resolve("chain/tools"), DevChain.tools().dir());
        try (Devnet devnet = Devnet.start(dataDir, HardhatNode.freePort())) {
            Devnet.Info info = devnet.info();
            assertThat(info.rpcUrl()).startsWith("http://127.0.0.1:");
            assertThat(Files.readString(dataDir.resolve("chain/devnet.json"))).contains(info.contract());
            Credentials dev = KeyFile.read(info.keyFile());
            assertThat(Files.getPosixFilePermissions(info.keyFile())).containsExactlyInAnyOrder(
                    java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
            Web3j web3j = Web3j.build(new HttpService(info.rpcUrl()));
            ChimpOracle oracle = ChimpOracle.load(info.contract(), web3j, dev, DevChain.GAS);
            assertThat(oracle.owner().send()).isEqualToIgnoringCase(dev.getAddress());
            assertThat(oracle.isSequencer(dev.getAddress()).send()).isTrue();
            assertThat(new OracleCalls(web3j, info.contract()).jobState(java.math.BigInteger.ONE)).isZero();
            web3j.shutdown();
        }
    }
}
