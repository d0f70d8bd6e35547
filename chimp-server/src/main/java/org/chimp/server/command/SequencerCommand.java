package org.chimp.server.command;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.chimp.chain.devnet.Devnet;
import org.chimp.chain.sequencer.LogReader;
import org.chimp.server.config.ChainOptions;
import org.chimp.server.config.ConfigSource;
import org.chimp.server.config.NodeOptions;
import org.chimp.server.node.ChimpNode;
import org.chimp.server.node.NodeSettings;
import org.chimp.server.node.WorkerSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chimp sequencer}: the chain sequencer alone, with a worker of queue inference, sharing the deployment's backends. */
@Command(name = "sequencer", mixinStandardHelpOptions = true,
        header = "Answers on-chain job requests with CHIMP's models.",
        description = {"Reads the ChimpOracle's job requests from a chain and answers them with CHIMP's models, without",
                "serving HTTP. Share --db, --broker and --store with the server that serves the outputs (/blobs/...)."})
public final class SequencerCommand implements Callable<Integer> {
    @Mixin
    NodeOptions options;

    @Mixin
    ChainOptions chain;

    @Option(names = "--worker-concurrency", defaultValue = "4",
            description = "Chain jobs run at once (env CHIMP_WORKER_CONCURRENCY; default ${DEFAULT-VALUE}).")
    int workerConcurrency;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!chain.enabled()) {
            throw new IllegalArgumentException("chimp sequencer needs a chain: --chain-rpc, --chain-contract and --chain-key-file (or --chain dev)");
        }
        NodeSettings settings = options.settings((ConfigSource) spec.commandLine().getDefaultValueProvider(), false);
        Devnet devnet = chain.startDevnet(options.dataDir);
        ChimpNode node = ChainOptions.startBeside(devnet, () -> ChimpNode.start(settings, Map.of(), new WorkerSettings(List.of(LogReader.QUEUE), Math.max(1, workerConcurrency)),
                    chain.settings(devnet, 5252)));
        node.services().chain().ifPresent(c -> System.out.printf("Sequencing oracle %s on chain %d as %s%n", c.contract(), c.chainId(),
                c.sequencerAddress()));
        return NodeRunner.runUntilStopped(node);
    }
}
