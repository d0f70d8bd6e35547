package org.chimp.server.command;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.chimp.server.config.ConfigSource;
import org.chimp.server.config.NodeOptions;
import org.chimp.server.node.ChimpNode;
import org.chimp.server.node.NodeSettings;
import org.chimp.server.node.Role;
import org.chimp.server.node.WorkerSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chimp worker}: runs jobs from the broker, nothing else. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        header = "Runs jobs from the broker's queues.",
        description = {"Runs jobs from the broker's queues. Start as many as you like on any machine that reaches",
                "the same database, broker and store; SIGTERM lets running jobs finish (--grace-seconds), then hands them back."})
public final class WorkerCommand implements Callable<Integer> {
    @Mixin
    NodeOptions options;

    @Option(names = "--queues", split = ",", defaultValue = "training",
            description = "Queues to take jobs from (env CHIMP_QUEUES; default ${DEFAULT-VALUE}).")
    List<String> queues;

    @Option(names = "--concurrency", defaultValue = "1",
            description = "Jobs run at once (env CHIMP_CONCURRENCY; default ${DEFAULT-VALUE}: one per accelerator for GPU queues).")
    int concurrency;

    @Option(names = "--grace-seconds", defaultValue = "20",
            description = "On SIGTERM, how long running jobs may take to finish before they are handed back to the "
                    + "broker (not counted as an attempt) (env CHIMP_GRACE_SECONDS; default ${DEFAULT-VALUE}).")
    int graceSeconds;

    @Option(names = "--prefetch", defaultValue = "16",
            description = {"Messages per thread taken ahead of idle threads while jobs are short (under 50 ms on average),",
                    "so that one receive serves many; a prefetched message waits at most a second for a thread. 0 turns",
                    "it off (env CHIMP_PREFETCH; default ${DEFAULT-VALUE})."})
    int prefetch;

    @Option(names = "--metrics-port",
            description = {"Serve /metrics (and /health) on this port, so Prometheus can scrape the worker's job timings",
                    "and JVM; off by default (env CHIMP_METRICS_PORT). Needs the admin token or CHIMP_METRICS_TOKEN to scrape."})
    Integer metricsPort;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // A port checks callers against the admin token, so a worker that serves /metrics needs it too.
        NodeSettings settings = options.settings((ConfigSource) spec.commandLine().getDefaultValueProvider(), metricsPort != null);
        Map<Integer, Set<Role>> ports = metricsPort == null ? Map.of() : Map.of(metricsPort, Set.of());
        ChimpNode node = ChimpNode.start(settings, ports, new WorkerSettings(queues, concurrency,
                Duration.ofSeconds(Math.max(0, graceSeconds)), prefetch));
        System.out.printf("Worker running on queues %s with concurrency %d%s%n", queues, concurrency,
                metricsPort == null ? "" : ", /metrics on port " + node.httpPorts().get(0));
        return NodeRunner.runUntilStopped(node);
    }
}
