package org.chimp.server.command;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.chimp.chain.devnet.Devnet;
import org.chimp.server.config.ChainOptions;
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

/** {@code chimp server}: some or all HTTP roles, each on its own port, with no worker unless asked. */
@Command(name = "server", mixinStandardHelpOptions = true,
        header = "Serves chosen HTTP roles on their own ports.",
        description = {"Serves HTTP roles on their own ports, as CHIMP's original services did: training (datasets,",
                "plugins, tasks, jobs) on 5253, serving on 5254, tracking (MLflow API) on 8999. Jobs run in separate",
                "'chimp worker' processes that share the database, broker and store."})
public final class ServerCommand implements Callable<Integer> {
    @Mixin
    NodeOptions options;

    @Mixin
    ChainOptions chain;

    @Option(names = "--roles", split = ",", defaultValue = "training,serving,tracking",
            description = "Roles to serve (env CHIMP_ROLES; default ${DEFAULT-VALUE}).")
    List<String> roles;

    @Option(names = "--training-port", defaultValue = "5253", description = "Port of the training role (default ${DEFAULT-VALUE}).")
    int trainingPort;

    @Option(names = "--serving-port", defaultValue = "5254", description = "Port of the serving role (default ${DEFAULT-VALUE}).")
    int servingPort;

    @Option(names = "--tracking-port", defaultValue = "8999", description = "Port of the tracking role (default ${DEFAULT-VALUE}).")
    int trackingPort;

    @Option(names = "--worker", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "Also run a worker on the training queue in this process (default: no).")
    boolean worker;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        NodeSettings settings = options.settings((ConfigSource) spec.commandLine().getDefaultValueProvider(), true);
        Map<Integer, Set<Role>> listeners = new LinkedHashMap<>();
        for (String name : roles) {
            Role role = Role.parse(name);
            int port = switch (role) {
                case TRAINING -> trainingPort;
                case SERVING -> servingPort;
                case TRACKING -> trackingPort;
            };
            listeners.computeIfAbsent(port, p -> EnumSet.noneOf(Role.class)).add(role);
        }
        // Chain jobs need a worker (of queue inference) even when training is left to others.
        WorkerSettings w = worker || chain.enabled() ? new WorkerSettings(List.of(TrainingService.QUEUE), 1) : null;
        int publicPort = listeners.keySet().iterator().next();
        Devnet devnet = chain.startDevnet(options.dataDir);
        ChimpNode node = ChainOptions.startBeside(devnet, () -> ChimpNode.start(settings, listeners, w, chain.enabled() ? chain.settings(devnet, publicPort) : null));
        for (Map.Entry<Integer, Set<Role>> e : listeners.entrySet()) {
            System.out.printf("%s on http://localhost:%d%n", e.getValue(), node.port(e.getValue().iterator().next()));
        }
        System.out.println(options.tokenNotice());
        node.services().faceDetectionNotice().ifPresent(System.out::println);
        return NodeRunner.runUntilStopped(node);
    }
}
