package org.chimp.server.command;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.chimp.server.config.AdminToken;
import org.chimp.server.config.ConfigSource;
import org.chimp.server.config.NodeOptions;
import org.chimp.server.node.ChimpNode;
import org.chimp.server.node.NodeSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code chimp standalone}: every role in one process with embedded defaults. */
@Command(name = "standalone", mixinStandardHelpOptions = true,
        description = {"Runs every role of CHIMP in one process: web API, training API, serving, tracking and a worker,",
                "with an embedded database, store and broker under --data-dir."})
public final class StandaloneCommand implements Callable<Integer> {
    @Mixin
    NodeOptions options;

    @Option(names = "--worker", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run jobs in this process (default). --no-worker leaves them to separate workers.")
    boolean worker;

    @Option(names = "--worker-concurrency", defaultValue = "1",
            description = "Jobs the in-process worker runs at once (env CHIMP_WORKER_CONCURRENCY; default ${DEFAULT-VALUE}).")
    int workerConcurrency;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ConfigSource config = (ConfigSource) spec.commandLine().getDefaultValueProvider();
        String token = AdminToken.resolve(config.setting("admin-token"), options.dataDir);
        NodeSettings settings = new NodeSettings(options.port, options.dataDir, options.db, options.broker,
                options.store, token, worker, Math.max(1, workerConcurrency));
        ChimpNode node = ChimpNode.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "chimp-shutdown"));
        System.out.printf("%nCHIMP is running on http://localhost:%d%n", node.port());
        System.out.printf("Admin token (send as 'Authorization: Bearer <token>'): %s%n", token);
        System.out.printf("Data directory: %s%n%n", options.dataDir.toAbsolutePath());
        stopped.await();
        return 0;
    }
}
