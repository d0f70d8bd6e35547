package org.chimp.server.command;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.chimp.chain.devnet.Devnet;
import org.chimp.server.config.ChainOptions;
import org.chimp.server.examples.ExampleModels;
import org.chimp.server.config.ConfigSource;
import org.chimp.server.config.NodeOptions;
import org.chimp.server.node.ChimpNode;
import org.chimp.server.node.NodeSettings;
import org.chimp.server.node.Role;
import org.chimp.server.node.WorkerSettings;
import org.chimp.training.runner.TrainingService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chimp standalone}: every role in one process with embedded defaults. */
@Command(name = "standalone", mixinStandardHelpOptions = true,
        header = "Runs every role of CHIMP in one process on one port.",
        description = {"Runs every role of CHIMP in one process on one port: datasets and training, serving,",
                "tracking and registry, and a worker, with an embedded database, store and broker under --data-dir."})
public final class StandaloneCommand implements Callable<Integer> {
    @Mixin
    NodeOptions options;

    @Mixin
    ChainOptions chain;

    @Option(names = "--port", defaultValue = "5252",
            description = "HTTP port (env CHIMP_PORT; default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--worker", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run jobs in this process (default). --no-worker leaves them to separate 'chimp worker' processes.")
    boolean worker;

    @Option(names = "--worker-concurrency", defaultValue = "1",
            description = "Jobs the in-process worker runs at once (env CHIMP_WORKER_CONCURRENCY; default ${DEFAULT-VALUE}).")
    int workerConcurrency;

    @Option(names = "--examples", description = {"Registers one example model per task, named after the task, in Production,",
            "unless a model of that name already has a Production version: MiniLM sentence embeddings, the TicTacToe",
            "agent, and tiny generated graphs for the others (answers, not quality)."})
    boolean examples;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        NodeSettings settings = options.settings((ConfigSource) spec.commandLine().getDefaultValueProvider(), true);
        WorkerSettings w = worker ? new WorkerSettings(List.of(TrainingService.QUEUE), Math.max(1, workerConcurrency)) : null;
        Devnet devnet = chain.startDevnet(options.dataDir);
        ChimpNode node = ChainOptions.startBeside(devnet, () -> ChimpNode.start(settings, Map.of(port, Set.of(Role.values())), w,
                    chain.enabled() ? chain.settings(devnet, port) : null));
        if (examples) {
            System.out.printf("%nExample models:%n%s", ExampleModels.describe(ExampleModels.registerInProcess(node.services())));
        }
        System.out.printf("%nCHIMP is running on http://localhost:%d%n", node.port(Role.TRAINING));
        node.services().chain().ifPresent(c -> System.out.printf("Sequencing oracle %s on chain %d as %s%s%n", c.contract(),
                c.chainId(), c.sequencerAddress(), devnet == null ? "" : " (development chain at " + devnet.info().rpcUrl() + ")"));
        System.out.println(options.tokenNotice());
        node.services().faceDetectionNotice().ifPresent(System.out::println);
        System.out.printf("Data directory: %s%n%n", options.dataDir.toAbsolutePath());
        return NodeRunner.runUntilStopped(node);
    }
}
