package org.chimp.bench.chain;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.chimp.chain.contract.ChimpOracle;
import org.chimp.chain.sequencer.ChainJobs;
import org.chimp.chain.sequencer.LogReader;
import org.chimp.chain.sequencer.Sequencer;
import org.chimp.chain.sequencer.SequencerConfig;
import org.chimp.chain.tx.GasPolicy;
import org.chimp.chain.tx.Signer;
import org.chimp.db.Database;
import org.chimp.jobs.Backoff;
import org.chimp.jobs.JobService;
import org.chimp.jobs.Worker;
import org.chimp.jobs.WorkerOptions;
import org.chimp.jobs.embedded.EmbeddedBroker;
import org.chimp.store.ArtifactStore;
import org.chimp.store.FileBlobStore;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes4;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.core.methods.response.VoidResponse;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * Jobs through the whole chain path on a development chain: requests sent by a client key, read by the sequencer,
 * run (an echo model, so the chain path is measured, not a model), stored, fulfilled. Reports jobs fulfilled per
 * second for a burst, and the latency from the request's receipt (its JobCreated block) to the moment the
 * fulfilment is seen mined, one job at a time; next to the chain's floor, a plain transfer's submit-to-receipt time.
 */
public final class ChainBench {
    private static final BigInteger PRICE = BigInteger.ONE;
    private static final Duration POLL = Duration.ofMillis(10);

    private final String rpcUrl;
    private final HttpService http;
    private final Web3j web3j;
    private final long chainId;
    private final Credentials owner;
    private final Credentials client;
    private final Path scratch;
    private final StaticGasProvider gas;

    /** The owner key must be funded; a client key is made and funded with hardhat_setBalance (development chains only). */
    public ChainBench(String rpcUrl, Credentials owner, Path scratch) throws Exception {
        this.rpcUrl = rpcUrl;
        this.http = new HttpService(rpcUrl);
        this.web3j = Web3j.build(http);
        this.chainId = web3j.ethChainId().send().getChainId().longValueExact();
        this.owner = owner;
        this.client = Credentials.create(Keys.createEcKeyPair());
        this.scratch = scratch;
        rpc("hardhat_setBalance", List.of(client.getAddress(), Numeric.toHexStringWithPrefix(new BigInteger("1000000000000000000000"))));
        this.gas = new StaticGasProvider(web3j.ethGasPrice().send().getGasPrice().multiply(BigInteger.valueOf(3)), BigInteger.valueOf(3_000_000));
    }

    /** One measurement. */
    public record Result(int workers, int confirmations, double jobsPerSecond, double p50Ms, double p99Ms) {
    }

    /** The chain's floor: median and 99th percentile submit-to-receipt time of a plain value transfer, in ms. */
    public double[] transferFloor(int count) throws Exception {
        List<Double> times = new ArrayList<>();
        String to = Credentials.create(Keys.createEcKeyPair()).getAddress();
        for (int i = 0; i < count; i++) {
            long nonce = web3j.ethGetTransactionCount(client.getAddress(), DefaultBlockParameterName.PENDING).send().getTransactionCount().longValueExact();
            RawTransaction tx = RawTransaction.createEtherTransaction(BigInteger.valueOf(nonce), gas.getGasPrice(), BigInteger.valueOf(21_000), to, BigInteger.ONE);
            String raw = Numeric.toHexString(TransactionEncoder.signMessage(tx, chainId, client));
            long start = System.nanoTime();
            String hash = web3j.ethSendRawTransaction(raw).send().getTransactionHash();
            while (web3j.ethGetTransactionReceipt(hash).send().getTransactionReceipt().isEmpty()) {
                Thread.sleep(POLL.toMillis());
            }
            times.add((System.nanoTime() - start) / 1e6);
        }
        return new double[] {percentile(times, 50), percentile(times, 99)};
    }

    /** A burst of {@code jobs} requests for throughput, then {@code latencyJobs} one at a time for latency. */
    public Result measure(int jobs, int latencyJobs, int workers, int confirmations) throws Exception {
        Signer.forgetAll();
        var ownerTm = new RawTransactionManager(web3j, owner, chainId, new PollingTransactionReceiptProcessor(web3j, 20, 1500));
        ChimpOracle oracle = ChimpOracle.deploy(web3j, ownerTm, new StaticGasProvider(gas.getGasPrice(), BigInteger.valueOf(6_000_000))).send();
        oracle.setSequencer(owner.getAddress(), true).send();
        BigInteger modelId = ChimpOracle.getModelRegisteredEvents(oracle.registerModel("echo", "echo", new byte[32], "", PRICE).send()).get(0).modelId;
        long startBlock = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
        ChimpOracle requester = ChimpOracle.load(oracle.getContractAddress(), web3j,
                new RawTransactionManager(web3j, client, chainId, new PollingTransactionReceiptProcessor(web3j, 5, 6000)), gas);

        Path dir = Files.createDirectories(scratch.resolve(UUID.randomUUID().toString()));
        if (confirmations > 0) {
            rpc("evm_setIntervalMining", List.of(100)); // blocks keep coming, as on a live chain, so requests get confirmed
        }
        try (HikariDataSource ds = Database.open("jdbc:h2:mem:chainbench" + UUID.randomUUID().toString().replace("-", ""));
             EmbeddedBroker broker = new EmbeddedBroker(ds, Duration.ofSeconds(30))) {
            JobService jobService = new JobService(ds, broker);
            ArtifactStore artifacts = new ArtifactStore(new FileBlobStore(dir.resolve("blobs")), dir.resolve("cache"));
            Signer signer = Signer.of(web3j, owner, chainId, GasPolicy.DEFAULT, Duration.ofMinutes(1), Duration.ofMillis(5));
            SequencerConfig config = new SequencerConfig(oracle.getContractAddress(), confirmations, startBlock, 2000, 64,
                    Duration.ofMillis(20), "http://localhost", GasPolicy.DEFAULT, Duration.ofMinutes(1));
            try (Sequencer sequencer = new Sequencer(config, chainId, signer, new ChainJobs(ds), jobService, artifacts,
                    (model, input, seed) -> input.clone());
                 Worker worker = new Worker(jobService, broker, Map.of(LogReader.TYPE, sequencer.handler()), List.of(LogReader.QUEUE),
                         WorkerOptions.defaults().withConcurrency(workers).withBackoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200))))) {
                worker.start();
                sequencer.start();

                long start = System.nanoTime();
                // the burst: signed with consecutive nonces and sent without waiting for receipts
                long nonce = web3j.ethGetTransactionCount(client.getAddress(), DefaultBlockParameterName.PENDING).send()
                        .getTransactionCount().longValueExact();
                for (int i = 0; i < jobs; i++) {
                    String data = FunctionEncoder.encode(new Function("requestJob", List.of(new Uint256(modelId),
                            new DynamicBytes(new byte[] {(byte) i}), new Address("0x0000000000000000000000000000000000000000"),
                            new Bytes4(new byte[4]), new Uint32(0), new Uint256(i)), List.of()));
                    RawTransaction tx = RawTransaction.createTransaction(BigInteger.valueOf(nonce + i), gas.getGasPrice(),
                            BigInteger.valueOf(300_000), oracle.getContractAddress(), PRICE, data);
                    var sent = web3j.ethSendRawTransaction(Numeric.toHexString(TransactionEncoder.signMessage(tx, chainId, client))).send();
                    if (sent.hasError()) {
                        throw new IOException("request " + i + " was refused: " + sent.getError().getMessage());
                    }
                }
                awaitFees(oracle, jobs);
                double perSecond = jobs / ((System.nanoTime() - start) / 1e9);

                List<Double> latencies = new ArrayList<>();
                for (int i = 0; i < latencyJobs; i++) {
                    TransactionReceipt receipt = requester.requestJob(modelId, new byte[] {(byte) i, 1}, "0x0000000000000000000000000000000000000000",
                            new byte[4], BigInteger.ZERO, BigInteger.valueOf(i), PRICE).send();
                    long requested = System.nanoTime();
                    BigInteger jobId = ChimpOracle.getJobCreatedEvents(receipt).get(0).jobId;
                    while (oracle.jobState(jobId).send().intValueExact() != 2) {
                        Thread.sleep(POLL.toMillis());
                    }
                    latencies.add((System.nanoTime() - requested) / 1e6);
                }
                return new Result(workers, confirmations, perSecond, percentile(latencies, 50), percentile(latencies, 99));
            }
        } finally {
            if (confirmations > 0) {
                rpc("evm_setIntervalMining", List.of(0));
            }
        }
    }

    private static void awaitFees(ChimpOracle oracle, int jobs) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (oracle.fees().send().compareTo(PRICE.multiply(BigInteger.valueOf(jobs))) < 0) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the burst was not fulfilled within 5 minutes");
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private void rpc(String method, List<?> params) throws IOException {
        VoidResponse r = new Request<>(method, params, http, VoidResponse.class).send();
        if (r.hasError()) {
            throw new IOException(method + " failed on " + rpcUrl + ": " + r.getError().getMessage());
        }
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    public void close() {
        web3j.shutdown();
    }
}
