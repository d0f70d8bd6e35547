package org.chimp.chain.sequencer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.chain.devnet.DevChain.REQUESTER;
import static org.chimp.chain.devnet.DevChain.SEQUENCER;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.chimp.chain.contract.ChimpOracle;
import org.awaitility.Awaitility;
import org.chimp.chain.devnet.DevChain;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.EventEncoder;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * 200 jobs while the sequencer process is killed with SIGKILL and restarted twice: every job is fulfilled exactly
 * once, with its own output, and no transaction of the sequencer reverted.
 */
@Tag("slow")
class SequencerKillTest {
    private static final int JOBS = 200;
    private static final BigInteger PRICE = BigInteger.valueOf(1_000_000_000L);

    @TempDir
    Path dir;

    private Process launch(ChimpOracle oracle, long startBlock, Path keyFile, int run) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                SequencerProcess.class.getName(), DevChain.rpcUrl(), oracle.getContractAddress(), Long.toString(startBlock),
                dir.resolve("node").toString(), keyFile.toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("sequencer-" + run + ".log").toFile())
                .start();
    }

    private static void kill(Process p) throws InterruptedException {
        // Process.destroyForcibly is SIGKILL on Linux: no shutdown hook, no graceful worker stop
        p.destroyForcibly();
        p.waitFor();
    }

    private static void awaitFees(ChimpOracle oracle, int jobs, Duration atMost, Duration interval, String alias) {
        Awaitility.await().alias(alias).atMost(atMost).pollDelay(Duration.ZERO).pollInterval(interval)
                .until(() -> oracle.fees().send().compareTo(PRICE.multiply(BigInteger.valueOf(jobs))) >= 0);
    }

    /** Waits for the fees of {@code jobs} jobs; the ceiling allows for a sequencer JVM starting on a loaded machine. */
    private static void awaitFees(ChimpOracle oracle, int jobs) {
        awaitFees(oracle, jobs, Duration.ofSeconds(120), Duration.ofMillis(20), jobs + " jobs fulfilled in time");
    }

    @Test
    void everyJobIsFulfilledExactlyOnceAcrossTwoKills() throws Exception {
        ChimpOracle oracle = DevChain.deployOracle();
        ChimpOracle requester = ChimpOracle.load(oracle.getContractAddress(), DevChain.web3j(), DevChain.as(REQUESTER), DevChain.GAS);
        BigInteger modelId = ChimpOracle.getModelRegisteredEvents(oracle.registerModel("echo", "echo", new byte[32], "", PRICE).send())
                .get(0).modelId;
        long startBlock = DevChain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
        Path keyFile = dir.resolve("sequencer.key");
        Files.writeString(keyFile, Numeric.toHexStringWithPrefixZeroPadded(SEQUENCER.getEcKeyPair().getPrivateKey(), 64) + "\n");

        Map<BigInteger, String> inputs = new HashMap<>();
        Process sequencer = launch(oracle, startBlock, keyFile, 1);
        for (int i = 0; i < JOBS; i++) {
            String input = "job-" + i;
            TransactionReceipt receipt = requester.requestJob(modelId, input.getBytes(), "0x0000000000000000000000000000000000000000",
                    new byte[4], BigInteger.ZERO, BigInteger.valueOf(i), PRICE).send();
            inputs.put(ChimpOracle.getJobCreatedEvents(receipt).get(0).jobId, input);
            if (i == 70) {
                awaitFees(oracle, 40); // killed in the middle of work: jobs 40-70 are being run and sent
                kill(sequencer);
                sequencer = launch(oracle, startBlock, keyFile, 2);
            } else if (i == 140) {
                awaitFees(oracle, 110);
                kill(sequencer);
                sequencer = launch(oracle, startBlock, keyFile, 3);
            }
        }
        try {
            awaitFees(oracle, JOBS, Duration.ofSeconds(180), Duration.ofMillis(200), "all jobs fulfilled in time; see " + dir);
        } finally {
            kill(sequencer);
        }

        EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(startBlock)), DefaultBlockParameterName.LATEST,
                oracle.getContractAddress());
        filter.addSingleTopic(EventEncoder.encode(ChimpOracle.JOBFULFILLED_EVENT));
        Map<BigInteger, Integer> fulfilled = new HashMap<>();
        for (EthLog.LogResult<?> result : DevChain.web3j().ethGetLogs(filter).send().getLogs()) {
            var event = ChimpOracle.getJobFulfilledEventFromLog((Log) result.get());
            fulfilled.merge(event.jobId, 1, Integer::sum);
            assertThat(event.outputHash).as("job %s answered with its own output", event.jobId)
                    .isEqualTo(Hash.sha256(inputs.get(event.jobId).getBytes()));
        }
        assertThat(fulfilled).hasSize(JOBS);
        assertThat(fulfilled.values()).allMatch(n -> n == 1);

        List<String> reverted = new ArrayList<>();
        long head = DevChain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
        for (long b = startBlock + 1; b <= head; b++) {
            EthBlock.Block block = DevChain.web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(b)), true).send().getBlock();
            for (EthBlock.TransactionResult<?> t : block.getTransactions()) {
                var tx = (EthBlock.TransactionObject) t.get();
                if (tx.getFrom().equalsIgnoreCase(SEQUENCER.getAddress())
                        && !DevChain.web3j().ethGetTransactionReceipt(tx.getHash()).send().getTransactionReceipt().orElseThrow().isStatusOK()) {
                    reverted.add(tx.getHash());
                }
            }
        }
        assertThat(reverted).as("no transaction reverted (e.g. for 'job not open')").isEmpty();
    }
}
