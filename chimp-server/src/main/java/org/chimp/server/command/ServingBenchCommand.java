package org.chimp.server.command;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.chimp.bench.serving.Load;
import org.chimp.bench.serving.ServingBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chimp bench serving}: CHIMP's inference endpoints next to a bare ONNX Runtime handler, in one run. */
@Command(name = "serving", mixinStandardHelpOptions = true,
        header = "Inference req/s and latency next to a bare ORT handler.",
        description = {"Starts CHIMP serving in this process with an emotion-sized model (48x48 gray in, 7 classes out,",
                "generated) and a bare Javalin handler that parses the same OIP JSON and calls ONNX Runtime once per request,",
                "then prints req/s and p50/p99 latency per endpoint and connection count, with req/s as a ratio of the bare",
                "handler's measured in the same run, and each row's p50 minus that of the bare ONNX Runtime call alone",
                "(CHIMP's overhead per request). A row of an empty handler shows what HTTP alone costs on this machine.",
                "Client (one keep-alive socket per connection) and servers share this machine's cores."})
final class ServingBenchCommand implements Callable<Integer> {
    @Option(names = "--connections", split = ",", defaultValue = "1,32", description = "Concurrent clients (default ${DEFAULT-VALUE}).")
    List<Integer> connections;

    @Option(names = "--seconds", defaultValue = "5", description = "Measured seconds per row (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup-seconds", defaultValue = "2", description = "Unmeasured seconds before each row (default ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Override
    public Integer call() throws Exception {
        System.out.println(BenchCommand.machine());
        Path dir = Files.createTempDirectory("chimp-serving-bench");
        try (ServingBench bench = new ServingBench(dir)) {
            ServingBench.Report report = bench.run(connections, warmupSeconds * 1000L, seconds * 1000L);
            System.out.printf("%-34s %6s %10s %9s %9s %9s %12s%n", "variant", "conns", "req/s", "p50 ms", "p99 ms", "vs bare",
                    "p50-ORT us");
            Load.Result ort = report.ortCall();
            System.out.printf("%-34s %6d %10.0f %9.3f %9.3f %9s %12s%n", "ORT call alone (no HTTP, no JSON)", 1,
                    ort.perSecond(), ort.p50Ms(), ort.p99Ms(), "-", "-");
            for (ServingBench.Row r : report.rows()) {
                System.out.printf("%-34s %6d %10.0f %9.3f %9.3f %8.2fx %12.0f%n", r.variant(), r.connections(),
                        r.result().perSecond(), r.result().p50Ms(), r.result().p99Ms(), r.ratioToBare(), r.overheadMs() * 1000);
            }
        }
        return 0;
    }
}
