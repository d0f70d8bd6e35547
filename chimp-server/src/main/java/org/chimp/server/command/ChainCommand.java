package org.chimp.server.command;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.chimp.chain.devnet.Devnet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chimp chain devnet}: a local development chain with the oracle deployed. */
@Command(name = "chain", mixinStandardHelpOptions = true, description = "Chain tools.", subcommands = ChainCommand.DevnetCommand.class)
public final class ChainCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Starts Hardhat's node (installed into the data directory on first use; needs Node.js) and deploys ChimpOracle. */
    @Command(name = "devnet", mixinStandardHelpOptions = true,
        header = "Starts a local development chain (Hardhat 2).",
            description = {"Starts a local development chain (Hardhat 2; Node.js required, installed into the data directory on",
                    "first use), deploys the ChimpOracle and writes the RPC URL, contract address and a funded dev key file",
                    "into <data-dir>/chain. The chain lives in memory: each start is a new chain."})
    public static final class DevnetCommand implements Callable<Integer> {
        @Option(names = "--data-dir", defaultValue = "chimp-data", description = "Data directory (env CHIMP_DATA_DIR; default ${DEFAULT-VALUE}).")
        Path dataDir;

        @Option(names = "--port", defaultValue = "8545", description = "JSON-RPC port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
        int port;

        @Override
        public Integer call() throws Exception {
            Devnet devnet = Devnet.start(dataDir, port);
            Devnet.Info info = devnet.info();
            System.out.printf("%nDevelopment chain %d at %s%nChimpOracle: %s (block %d)%nDev key file (owner and sequencer): %s%n"
                    + "Details: %s%n%nSequence it with: chimp standalone --chain-rpc %s --chain-contract %s --chain-key-file %s "
                    + "--chain-confirmations 0%n", info.chainId(), info.rpcUrl(), info.contract(), info.deployBlock(), info.keyFile(),
                    info.keyFile().resolveSibling("devnet.json"), info.rpcUrl(), info.contract(), info.keyFile());
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                devnet.close();
                stopped.countDown();
            }, "chimp-devnet-stop"));
            stopped.await();
            return 0;
        }
    }
}
