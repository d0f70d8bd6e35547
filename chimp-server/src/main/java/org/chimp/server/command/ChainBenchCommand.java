package org.chimp.server.command;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.chimp.bench.chain.ChainBench;
import org.chimp.chain.KeyFile;
import org.chimp.chain.devnet.Devnet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chimp bench chain}: the chain path on a local development chain, next to the chain's own floor. */
@Command(name = "chain", mixinStandardHelpOptions = true,
        header = "On-chain jobs: fulfilments per second and latency.",
        description = {"Jobs fulfilled per second (a burst) and latency from the JobCreated block to the fulfilment (one job at",
                "a time), with 1 and 4 workers and 0 and 2 confirmations, on a development chain started for the run (Node.js",
                "needed), next to a plain transfer's submit-to-receipt time. The model is an echo: this measures the chain path."})
final class ChainBenchCommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "chimp-data", description = "Where the devnet tools are installed (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--jobs", defaultValue = "200", description = "Jobs per burst (default ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--latency-jobs", defaultValue = "30", description = "Jobs one at a time for latency (default ${DEFAULT-VALUE}).")
    int latencyJobs;

    @Option(names = "--workers", split = ",", defaultValue = "1,4", description = "Worker threads (default ${DEFAULT-VALUE}).")
    List<Integer> workers;

    @Option(names = "--confirmations", split = ",", defaultValue = "0,2", description = "Confirmation depths (default ${DEFAULT-VALUE}).")
    List<Integer> confirmations;

    @Option(names = "--port", defaultValue = "18545", description = "Devnet port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws Exception {
        System.out.println(BenchCommand.machine());
        try (Devnet devnet = Devnet.start(dataDir, port)) {
            ChainBench bench = new ChainBench(devnet.info().rpcUrl(), KeyFile.read(devnet.info().keyFile()),
                    Files.createDirectories(dataDir.resolve("tmp").resolve("chain-bench")));
            double[] floor = bench.transferFloor(latencyJobs);
            System.out.printf("chain floor (Hardhat automine): plain transfer submit-to-receipt p50 %.1f ms, p99 %.1f ms%n", floor[0], floor[1]);
            System.out.println("with confirmations > 0 the devnet also mines a block every 100 ms (as a live chain keeps producing blocks)");
            System.out.printf("%-8s %-14s %10s %12s %12s%n", "workers", "confirmations", "jobs/s", "p50 ms", "p99 ms");
            for (int c : confirmations) {
                for (int w : workers) {
                    ChainBench.Result r = bench.measure(jobs, latencyJobs, w, c);
                    System.out.printf("%-8d %-14d %10.1f %12.1f %12.1f%n", w, c, r.jobsPerSecond(), r.p50Ms(), r.p99Ms());
                }
            }
            bench.close();
        }
        return 0;
    }
}
