package org.chimp.chain.sequencer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.chain.devnet.DevChain.REQUESTER;
import static org.chimp.chain.devnet.DevChain.SEQUENCER;
import static org.chimp.chain.devnet.DevChain.STRANGER;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.chimp.chain.contract.ChimpOracle;
import org.chimp.chain.devnet.DevChain;
import org.chimp.chain.tx.GasPolicy;
import org.chimp.chain.tx.Signer;
import org.chimp.db.TestDatabases;
import org.chimp.jobs.Backoff;
import org.chimp.jobs.JobService;
import org.chimp.jobs.Worker;
import org.chimp.jobs.WorkerOptions;
import org.chimp.jobs.embedded.EmbeddedBroker;
import org.chimp.store.ArtifactStore;
import org.chimp.store.FileBlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.EventEncoder;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/** The sequencer against a local Hardhat node, with an in-process database, broker and worker. */
@Tag("slow")
class SequencerTest {
    private static final BigInteger PRICE = BigInteger.valueOf(1_000_000_000_000L);
    private static final String BASE = "http://chimp.test:5254";
    private static final byte[] NO_SELECTOR = new byte[4];
    private static final String ZERO = "0x0000000000000000000000000000000000000000";

    /** Echoes "out:" + input; an input starting with "bad" is a model failure. */
    private static final ChainInference ECHO = (model, input, seed) -> {
        String text = new String(input, StandardCharsets.UTF_8);
        if (text.startsWith("bad")) {
            throw new ModelFailure("cannot read '" + text + "'");
        }
        return ("out:" + text).getBytes(StandardCharsets.UTF_8);
    };

    @TempDir
    Path dir;
    private HikariDataSource ds;
    private ChimpOracle oracle;
    private ChimpOracle requester;
    private BigInteger modelId;
    private long startBlock;
    private final List<AutoCloseable> running = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        ds = TestDatabases.h2();
        oracle = DevChain.deployOracle();
        requester = ChimpOracle.load(oracle.getContractAddress(), DevChain.web3j(), DevChain.as(REQUESTER), DevChain.GAS);
        modelId = ChimpOracle.getModelRegisteredEvents(oracle.registerModel("echo", "echo", new byte[32], "", PRICE).send()).get(0).modelId;
        startBlock = DevChain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
    }

    @AfterEach
    void tearDown() throws Exception {
        stop();
        ds.close();
    }

    private ChainJobs start(int confirmations, ChainInference inference) throws IOException {
        Signer.forgetAll(); // as a new process would
        EmbeddedBroker broker = new EmbeddedBroker(ds, Duration.ofSeconds(2));
        JobService jobs = new JobService(ds, broker);
        ChainJobs store = new ChainJobs(ds);
        ArtifactStore artifacts = new ArtifactStore(new FileBlobStore(dir.resolve("blobs")), dir.resolve("cache"));
        Signer signer = Signer.of(DevChain.web3j(), SEQUENCER, DevChain.CHAIN_ID, GasPolicy.DEFAULT, Duration.ofSeconds(20), Duration.ofMillis(50));
        SequencerConfig config = new SequencerConfig(oracle.getContractAddress(), confirmations, startBlock, 50, 64,
                Duration.ofMillis(100), BASE, GasPolicy.DEFAULT, Duration.ofSeconds(20));
        Sequencer sequencer = new Sequencer(config, DevChain.CHAIN_ID, signer, store, jobs, artifacts, inference);
        Worker worker = new Worker(jobs, broker, Map.of(LogReader.TYPE, sequencer.handler()), List.of(LogReader.QUEUE),
                WorkerOptions.defaults().withConcurrency(2).withBackoff(new Backoff(Duration.ofMillis(100), Duration.ofMillis(500))));
        running.add(broker);
        running.add(worker);
        running.add(sequencer);
        worker.start();
        sequencer.start();
        return store;
    }

    private void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        running.clear();
    }

    private BigInteger request(String input) throws Exception {
        TransactionReceipt receipt = requester.requestJob(modelId, input.getBytes(StandardCharsets.UTF_8), ZERO, NO_SELECTOR,
                BigInteger.ZERO, BigInteger.ONE, PRICE).send();
        return ChimpOracle.getJobCreatedEvents(receipt).get(0).jobId;
    }

    private int state(BigInteger jobId) throws Exception {
        return oracle.jobState(jobId).send().intValueExact();
    }

    private static void await(String what, Callable<Boolean> condition) {
        Awaitility.await().alias(what).atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .until(condition);
    }

    private void awaitState(List<BigInteger> jobIds, int expected) throws Exception {
        await("jobs " + jobIds + " in state " + expected, () -> {
            for (BigInteger id : jobIds) {
                if (state(id) != expected) {
                    return false;
                }
            }
            return true;
        });
    }

    private static byte[] sha(String s) {
        return Hash.sha256(s.getBytes(StandardCharsets.UTF_8));
    }

    /** How many logs of an event the oracle emitted for a job. */
    private long events(org.web3j.abi.datatypes.Event event, BigInteger jobId) throws IOException {
        EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(startBlock)), DefaultBlockParameterName.LATEST,
                oracle.getContractAddress());
        filter.addSingleTopic(EventEncoder.encode(event));
        filter.addOptionalTopics(Numeric.toHexStringWithPrefixZeroPadded(jobId, 64));
        return DevChain.web3j().ethGetLogs(filter).send().getLogs().size();
    }

    /** Transactions from the sequencer's key since the test began that reverted. */
    private int revertedSequencerTxs() throws IOException {
        long head = DevChain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
        int reverted = 0;
        for (long b = startBlock + 1; b <= head; b++) {
            EthBlock.Block block = DevChain.web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(b)), true).send().getBlock();
            for (EthBlock.TransactionResult<?> t : block.getTransactions()) {
                var tx = (EthBlock.TransactionObject) t.get();
                if (tx.getFrom().equalsIgnoreCase(SEQUENCER.getAddress())) {
                    TransactionReceipt receipt = DevChain.web3j().ethGetTransactionReceipt(tx.getHash()).send().getTransactionReceipt().orElseThrow();
                    if (!receipt.isStatusOK()) {
                        reverted++;
                    }
                }
            }
        }
        return reverted;
    }

    @Test
    void jobsAreFulfilledWithTheOutputsHashAndUriAndAfterARestartTheReaderResumes() throws Exception {
        List<BigInteger> first = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            first.add(request("in" + i));
        }
        ChainJobs store = start(0, ECHO);
        awaitState(first, 2);
        var job = oracle.getJob(first.get(3)).send();
        String hex = Numeric.toHexStringNoPrefix(sha("out:in3"));
        assertThat(job.component7()).isEqualTo(sha("out:in3"));
        assertThat(job.component8()).isEqualTo(BASE + "/blobs/sha256:" + hex);
        assertThat(new FileBlobStore(dir.resolve("blobs")).exists("artifacts/sha256/" + hex)).isTrue();
        assertThat(store.cursor(DevChain.CHAIN_ID, oracle.getContractAddress())).isPresent();

        stop();
        List<BigInteger> second = new ArrayList<>();
        for (int i = 5; i < 10; i++) {
            second.add(request("in" + i));
        }
        Thread.sleep(300);
        assertThat(state(second.get(0))).as("nobody answers while the sequencer is down").isEqualTo(1);
        store = start(0, ECHO);
        awaitState(second, 2);
        for (BigInteger id : first) {
            assertThat(events(ChimpOracle.JOBFULFILLED_EVENT, id)).as("job %s fulfilled once", id).isEqualTo(1);
        }
        for (BigInteger id : second) {
            assertThat(events(ChimpOracle.JOBFULFILLED_EVENT, id)).as("job %s fulfilled once", id).isEqualTo(1);
        }
        assertThat(revertedSequencerTxs()).isZero();
        assertThat(store.list(DevChain.CHAIN_ID, oracle.getContractAddress(), 0, 100)).hasSize(10)
                .allSatisfy(row -> {
                    assertThat(row.state()).isEqualTo(ChainJob.State.FULFILLED);
                    assertThat(row.chimpJobId()).isNotNull();
                    assertThat(row.txHash()).isNotNull();
                });
    }

    @Test
    void confirmationsHoldJobsBackUntilDeepEnough() throws Exception {
        start(3, ECHO);
        BigInteger id = request("deep");
        Thread.sleep(800);
        assertThat(state(id)).as("the JobCreated block has no confirmations yet").isEqualTo(1);
        for (int i = 0; i < 3; i++) {
            DevChain.rpc("evm_mine", List.of());
        }
        awaitState(List.of(id), 2);
    }

    @Test
    void aModelFailureFailsTheJobOnChainAndRefundsTheRequester() throws Exception {
        BigInteger bad = request("bad input");
        BigInteger good = request("fine");
        BigInteger before = DevChain.balance(REQUESTER.getAddress());
        start(0, ECHO);
        awaitState(List.of(bad), 3);
        awaitState(List.of(good), 2);
        assertThat(DevChain.balance(REQUESTER.getAddress())).isEqualTo(before.add(PRICE));
        assertThat(events(ChimpOracle.JOBFAILED_EVENT, bad)).isEqualTo(1);
        assertThat(events(ChimpOracle.REFUNDED_EVENT, bad)).isEqualTo(1);
    }

    @Test
    void aModelThatKeepsFailingTransientlyFailsTheJobOnChainOnTheLastAttempt() throws Exception {
        BigInteger id = request("anything");
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        start(0, (model, input, seed) -> {
            calls.incrementAndGet();
            throw new IllegalStateException("deployment is loading");
        });
        awaitState(List.of(id), 3);
        assertThat(calls.get()).as("retried first (5 attempts)").isEqualTo(5);
        assertThat(events(ChimpOracle.REFUNDED_EVENT, id)).isEqualTo(1);
    }

    @Test
    void aJobPastItsDeadlineIsLeftForReclaimAndNothingIsSent() throws Exception {
        oracle.setJobTimeout(BigInteger.valueOf(60)).send();
        BigInteger late = request("late");
        DevChain.increaseTime(61);
        ChainJobs store = start(0, ECHO);
        String key = ChainJob.key(DevChain.CHAIN_ID, oracle.getContractAddress(), late.toString());
        await("the job to be marked expired", () -> store.find(key).map(j -> j.state() == ChainJob.State.EXPIRED).orElse(false));
        assertThat(store.find(key).orElseThrow().txHash()).isNull();
        assertThat(revertedSequencerTxs()).isZero();
        ChimpOracle anyone = ChimpOracle.load(oracle.getContractAddress(), DevChain.web3j(), DevChain.as(STRANGER), DevChain.GAS);
        BigInteger before = DevChain.balance(REQUESTER.getAddress());
        anyone.reclaim(late).send();
        assertThat(state(late)).isEqualTo(4);
        assertThat(DevChain.balance(REQUESTER.getAddress())).isEqualTo(before.add(PRICE));
    }

    @Test
    void aReorganisationLosesNothingAndFulfilsNothingTwice() throws Exception {
        start(0, ECHO);
        String snapshot = new Request<>("evm_snapshot", List.of(), new HttpService(DevChain.rpcUrl()),
                org.web3j.protocol.core.methods.response.EthBlockNumber.class).send().getResult();
        List<BigInteger> abandoned = List.of(request("a1"), request("a2"), request("a3"));
        awaitState(abandoned, 2);
        stop(); // a real reorganisation happens between two reads; stopping makes the test deterministic

        DevChain.rpc("evm_revert", List.of(snapshot));
        // the new branch: two other requests under the same job ids, and enough blocks to pass the old head
        BigInteger b1 = request("b1");
        BigInteger b2 = request("b2");
        assertThat(List.of(b1, b2)).containsExactly(abandoned.get(0), abandoned.get(1));
        for (int i = 0; i < 8; i++) {
            DevChain.rpc("evm_mine", List.of());
        }
        ChainJobs store = start(0, ECHO);
        awaitState(List.of(b1, b2), 2);
        assertThat(oracle.getJob(b1).send().component7()).as("the new request's output, not the abandoned one's").isEqualTo(sha("out:b1"));
        assertThat(oracle.getJob(b2).send().component7()).isEqualTo(sha("out:b2"));
        assertThat(events(ChimpOracle.JOBFULFILLED_EVENT, b1)).isEqualTo(1);
        assertThat(events(ChimpOracle.JOBFULFILLED_EVENT, b2)).isEqualTo(1);
        assertThat(state(abandoned.get(2))).isZero();
        String key3 = ChainJob.key(DevChain.CHAIN_ID, oracle.getContractAddress(), abandoned.get(2).toString());
        await("job 3 to be seen as orphaned", () -> store.find(key3).map(j -> j.state() == ChainJob.State.ORPHANED).orElse(false));
        assertThat(revertedSequencerTxs()).isZero();
    }
}
