package org.chimp.chain.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.chimp.chain.devnet.DevChain.OWNER;
import static org.chimp.chain.devnet.DevChain.REQUESTER;
import static org.chimp.chain.devnet.DevChain.SECOND_SEQUENCER;
import static org.chimp.chain.devnet.DevChain.SEQUENCER;
import static org.chimp.chain.devnet.DevChain.STRANGER;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.chimp.chain.devnet.DevChain;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.gas.StaticGasProvider;

/** Every rule of ChimpOracle, and each misuse, against a local Hardhat node. */
@Tag("slow")
class ChimpOracleTest {
    private static final BigInteger PRICE = BigInteger.valueOf(1_000_000_000_000_000L); // 0.001 ETH
    private static final byte[] HASH = Hash.sha256("output".getBytes(StandardCharsets.UTF_8));
    private static final String URI = "http://chimp.example/blobs/sha256:abc";
    private static final byte[] NO_SELECTOR = new byte[4];
    private static final String ZERO = "0x0000000000000000000000000000000000000000";

    private ChimpOracle owner;
    private ChimpOracle sequencer;
    private ChimpOracle requester;
    private ChimpOracle stranger;
    private BigInteger modelId;

    @BeforeEach
    void deploy() throws Exception {
        owner = DevChain.deployOracle();
        sequencer = as(SEQUENCER);
        requester = as(REQUESTER);
        stranger = as(STRANGER);
        modelId = ChimpOracle.getModelRegisteredEvents(
                owner.registerModel("emotions", "image-classification", Hash.sha256(new byte[] {1}), "chimp:emotions@1", PRICE).send())
                .get(0).modelId;
    }

    private ChimpOracle as(Credentials who) {
        return ChimpOracle.load(owner.getContractAddress(), DevChain.web3j(), DevChain.as(who), DevChain.GAS);
    }

    private BigInteger request(ChimpOracle as, BigInteger value) throws Exception {
        TransactionReceipt receipt = as.requestJob(modelId, "image".getBytes(StandardCharsets.UTF_8), ZERO, NO_SELECTOR,
                BigInteger.ZERO, BigInteger.valueOf(42), value).send();
        return ChimpOracle.getJobCreatedEvents(receipt).get(0).jobId;
    }

    private int state(BigInteger jobId) throws Exception {
        return owner.jobState(jobId).send().intValueExact();
    }

    private static void reverts(RemoteFunctionCall<TransactionReceipt> call, String reason) {
        assertThatThrownBy(call::send).hasMessageContaining(reason);
    }

    private OracleTestClient client() throws Exception {
        return OracleTestClient.deploy(DevChain.web3j(), DevChain.as(REQUESTER), DevChain.GAS, owner.getContractAddress()).send();
    }

    private BigInteger requestThrough(OracleTestClient client, int mode, long callbackGas) throws Exception {
        client.setMode(BigInteger.valueOf(mode)).send();
        TransactionReceipt receipt = client.request(modelId, new byte[] {1, 2, 3}, BigInteger.valueOf(callbackGas), PRICE).send();
        return ChimpOracle.getJobCreatedEvents(receipt).get(0).jobId;
    }

    // ------------------------------------------------------------------ owner and models

    @Test
    void theDeployerOwnsAndOnlyTheOwnerAdministers() throws Exception {
        assertThat(owner.owner().send()).isEqualToIgnoringCase(OWNER.getAddress());
        reverts(stranger.registerModel("x", "t", new byte[32], "", PRICE), "not owner");
        reverts(stranger.setModelPrice(modelId, BigInteger.ONE), "not owner");
        reverts(stranger.deactivateModel(modelId), "not owner");
        reverts(stranger.setSequencer(STRANGER.getAddress(), true), "not owner");
        reverts(stranger.setJobTimeout(BigInteger.valueOf(600)), "not owner");
        reverts(stranger.withdraw(STRANGER.getAddress()), "not owner");
        reverts(stranger.transferOwnership(STRANGER.getAddress()), "not owner");
        reverts(sequencer.registerModel("x", "t", new byte[32], "", PRICE), "not owner");
    }

    @Test
    void modelsAreNumberedAndKeepWhatWasRegistered() throws Exception {
        TransactionReceipt receipt = owner.registerModel("ttt", "game-move", Hash.sha256(new byte[] {2}), "chimp:ttt@3", BigInteger.TEN).send();
        var event = ChimpOracle.getModelRegisteredEvents(receipt).get(0);
        assertThat(event.modelId).isEqualTo(modelId.add(BigInteger.ONE));
        var model = owner.getModel(event.modelId).send();
        assertThat(model.component1()).isEqualTo("ttt");
        assertThat(model.component2()).isEqualTo("game-move");
        assertThat(model.component3()).isEqualTo(Hash.sha256(new byte[] {2}));
        assertThat(model.component4()).isEqualTo("chimp:ttt@3");
        assertThat(model.component5()).isEqualTo(BigInteger.TEN);
        assertThat(model.component6()).isTrue();
        reverts(owner.registerModel("", "game-move", new byte[32], "", BigInteger.ONE), "bad name");
        reverts(owner.registerModel("n", "", new byte[32], "", BigInteger.ONE), "bad task");
        reverts(owner.registerModel("n".repeat(513), "t", new byte[32], "", BigInteger.ONE), "bad name");
    }

    @Test
    void priceChangesApplyToNewJobsAndADeactivatedModelTakesNoJobs() throws Exception {
        var priceEvent = ChimpOracle.getModelPriceSetEvents(owner.setModelPrice(modelId, PRICE.shiftLeft(1)).send()).get(0);
        assertThat(priceEvent.price).isEqualTo(PRICE.shiftLeft(1));
        reverts(requester.requestJob(modelId, new byte[0], ZERO, NO_SELECTOR, BigInteger.ZERO, BigInteger.ZERO, PRICE), "payment below price");
        BigInteger open = request(requester, PRICE.shiftLeft(1));

        assertThat(ChimpOracle.getModelDeactivatedEvents(owner.deactivateModel(modelId).send())).hasSize(1);
        reverts(requester.requestJob(modelId, new byte[0], ZERO, NO_SELECTOR, BigInteger.ZERO, BigInteger.ZERO, PRICE.shiftLeft(1)), "no active model");
        reverts(owner.setModelPrice(modelId, PRICE), "no active model");
        reverts(owner.deactivateModel(modelId), "no active model");
        // a job requested before deactivation still completes
        sequencer.fulfill(open, HASH, URI).send();
        assertThat(state(open)).isEqualTo(2);
    }

    @Test
    void sequencersAreAddedAndRemovedByTheOwner() throws Exception {
        var added = ChimpOracle.getSequencerSetEvents(owner.setSequencer(SECOND_SEQUENCER.getAddress(), true).send()).get(0);
        assertThat(added.sequencer).isEqualToIgnoringCase(SECOND_SEQUENCER.getAddress());
        assertThat(added.allowed).isTrue();
        BigInteger job = request(requester, PRICE);
        owner.setSequencer(SEQUENCER.getAddress(), false).send();
        reverts(sequencer.fulfill(job, HASH, URI), "not a sequencer");
        as(SECOND_SEQUENCER).fulfill(job, HASH, URI).send();
        assertThat(state(job)).isEqualTo(2);
    }

    @Test
    void ownershipCanBeHandedOver() throws Exception {
        owner.transferOwnership(STRANGER.getAddress()).send();
        reverts(owner.setSequencer(OWNER.getAddress(), true), "not owner");
        stranger.setSequencer(STRANGER.getAddress(), true).send();
        assertThat(owner.isSequencer(STRANGER.getAddress()).send()).isTrue();
        reverts(stranger.transferOwnership(ZERO), "zero owner");
    }

    // ------------------------------------------------------------------ requests

    @Test
    void aRequestEmitsAnIndexedJobCreatedAndHoldsThePayment() throws Exception {
        BigInteger before = DevChain.balance(owner.getContractAddress());
        TransactionReceipt receipt = requester.requestJob(modelId, new byte[] {9, 8, 7}, ZERO, NO_SELECTOR, BigInteger.ZERO,
                BigInteger.TWO.pow(255).add(BigInteger.ONE), PRICE.add(BigInteger.ONE)).send();
        var event = ChimpOracle.getJobCreatedEvents(receipt).get(0);
        assertThat(event.jobId).isEqualTo(BigInteger.ONE);
        assertThat(event.modelId).isEqualTo(modelId);
        assertThat(event.requester).isEqualToIgnoringCase(REQUESTER.getAddress());
        assertThat(event.input).containsExactly(9, 8, 7);
        assertThat(event.seed).as("the whole 256-bit seed").isEqualTo(BigInteger.TWO.pow(255).add(BigInteger.ONE));
        long timestamp = DevChain.web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(receipt.getBlockNumber()), false)
                .send().getBlock().getTimestamp().longValueExact();
        assertThat(event.deadline.longValueExact()).isEqualTo(timestamp + 3600);
        // jobId, modelId and requester are topics: clients can filter on them
        assertThat(receipt.getLogs().get(0).getTopics()).hasSize(4);
        assertThat(state(event.jobId)).isEqualTo(1);
        assertThat(DevChain.balance(owner.getContractAddress())).isEqualTo(before.add(PRICE).add(BigInteger.ONE));
        var job = owner.getJob(event.jobId).send();
        assertThat(job.component4()).isEqualTo(PRICE.add(BigInteger.ONE));
        assertThat(request(requester, PRICE)).isEqualTo(BigInteger.TWO);
    }

    @Test
    void badRequestsAreRefused() throws Exception {
        reverts(requester.requestJob(modelId, new byte[0], ZERO, NO_SELECTOR, BigInteger.ZERO, BigInteger.ZERO, PRICE.subtract(BigInteger.ONE)),
                "payment below price");
        reverts(requester.requestJob(modelId, new byte[0], ZERO, NO_SELECTOR, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO),
                "payment below price");
        reverts(requester.requestJob(BigInteger.valueOf(99), new byte[0], ZERO, NO_SELECTOR, BigInteger.ZERO, BigInteger.ZERO, PRICE),
                "no active model");
        reverts(requester.requestJob(modelId, new byte[32_769], ZERO, NO_SELECTOR, BigInteger.ZERO, BigInteger.ZERO, PRICE),
                "input too large");
        reverts(requester.requestJob(modelId, new byte[0], STRANGER.getAddress(), new byte[] {1, 2, 3, 4}, BigInteger.valueOf(2_000_001),
                BigInteger.ZERO, PRICE), "callback gas limit too high");
        reverts(requester.requestJob(modelId, new byte[0], STRANGER.getAddress(), new byte[] {1, 2, 3, 4}, BigInteger.ZERO,
                BigInteger.ZERO, PRICE), "callback without gas");
        reverts(requester.requestJob(modelId, new byte[0], ZERO, new byte[] {1, 2, 3, 4}, BigInteger.ZERO, BigInteger.ZERO, PRICE),
                "callback fields without callback");
        assertThat(owner.jobCount().send()).isZero();
        assertThat(state(BigInteger.ONE)).as("an unknown job").isZero();
    }

    // ------------------------------------------------------------------ fulfilment

    @Test
    void aSequencerFulfilsAnOpenJobOnceAndThePaymentBecomesAFee() throws Exception {
        BigInteger job = request(requester, PRICE);
        TransactionReceipt receipt = sequencer.fulfill(job, HASH, URI).send();
        var event = ChimpOracle.getJobFulfilledEvents(receipt).get(0);
        assertThat(event.jobId).isEqualTo(job);
        assertThat(event.outputHash).isEqualTo(HASH);
        assertThat(event.outputUri).isEqualTo(URI);
        assertThat(event.sequencer).isEqualToIgnoringCase(SEQUENCER.getAddress());
        assertThat(state(job)).isEqualTo(2);
        var stored = owner.getJob(job).send();
        assertThat(stored.component7()).isEqualTo(HASH);
        assertThat(stored.component8()).isEqualTo(URI);
        assertThat(owner.fees().send()).isEqualTo(PRICE);

        reverts(sequencer.fulfill(job, Hash.sha256(new byte[] {0}), "other"), "job not open");
        reverts(sequencer.fail(job, "too late"), "job not open");
        assertThat(owner.getJob(job).send().component8()).as("the result cannot be overwritten").isEqualTo(URI);
    }

    @Test
    void strangersCannotFulfilOrFail() throws Exception {
        BigInteger job = request(requester, PRICE);
        reverts(stranger.fulfill(job, HASH, URI), "not a sequencer");
        reverts(requester.fulfill(job, HASH, URI), "not a sequencer");
        reverts(owner.fulfill(job, HASH, URI), "not a sequencer");
        reverts(stranger.fail(job, "no"), "not a sequencer");
        assertThat(state(job)).isEqualTo(1);
    }

    @Test
    void unknownJobsCannotBeFulfilledFailedOrReclaimed() {
        reverts(sequencer.fulfill(BigInteger.valueOf(77), HASH, URI), "job not open");
        reverts(sequencer.fail(BigInteger.valueOf(77), "x"), "job not open");
        reverts(stranger.reclaim(BigInteger.valueOf(77)), "job not open");
    }

    @Test
    void aLateFulfilmentIsRefusedAndTheJobCanBeReclaimedByAnyone() throws Exception {
        BigInteger job = request(requester, PRICE);
        reverts(stranger.reclaim(job), "deadline not passed");
        DevChain.increaseTime(3601);
        reverts(sequencer.fulfill(job, HASH, URI), "deadline passed");
        reverts(sequencer.fail(job, "late"), "deadline passed");

        BigInteger before = DevChain.balance(REQUESTER.getAddress());
        TransactionReceipt receipt = stranger.reclaim(job).send();
        assertThat(ChimpOracle.getJobReclaimedEvents(receipt).get(0).by).isEqualToIgnoringCase(STRANGER.getAddress());
        assertThat(ChimpOracle.getRefundedEvents(receipt).get(0).amount).isEqualTo(PRICE);
        assertThat(DevChain.balance(REQUESTER.getAddress())).isEqualTo(before.add(PRICE));
        assertThat(state(job)).isEqualTo(4);
        reverts(stranger.reclaim(job), "job not open");
        reverts(sequencer.fulfill(job, HASH, URI), "job not open");
        assertThat(owner.fees().send()).isZero();
    }

    @Test
    void theTimeoutIsTheOwnersWithinBoundsAndAppliesToNewJobs() throws Exception {
        BigInteger old = request(requester, PRICE);
        owner.setJobTimeout(BigInteger.valueOf(120)).send();
        reverts(owner.setJobTimeout(BigInteger.valueOf(59)), "timeout out of range");
        reverts(owner.setJobTimeout(BigInteger.valueOf(31L * 24 * 3600)), "timeout out of range");
        BigInteger fresh = request(requester, PRICE);
        DevChain.increaseTime(121);
        stranger.reclaim(fresh).send();
        reverts(stranger.reclaim(old), "deadline not passed");
    }

    @Test
    void aFailedJobRefundsTheRequesterInFull() throws Exception {
        BigInteger job = request(requester, PRICE.add(BigInteger.TEN));
        BigInteger before = DevChain.balance(REQUESTER.getAddress());
        TransactionReceipt receipt = sequencer.fail(job, "model error: input is not an image").send();
        var event = ChimpOracle.getJobFailedEvents(receipt).get(0);
        assertThat(event.reason).isEqualTo("model error: input is not an image");
        assertThat(ChimpOracle.getRefundedEvents(receipt).get(0).to).isEqualToIgnoringCase(REQUESTER.getAddress());
        assertThat(DevChain.balance(REQUESTER.getAddress())).isEqualTo(before.add(PRICE).add(BigInteger.TEN));
        assertThat(state(job)).isEqualTo(3);
        assertThat(owner.fees().send()).isZero();
        reverts(sequencer.fail(job, "again"), "job not open");
        reverts(sequencer.fulfill(job, HASH, URI), "job not open");
        reverts(sequencer.fail(request(requester, PRICE), "r".repeat(513)), "reason too long");
    }

    @Test
    void aRefundTheRequesterRefusesIsKeptForItToClaim() throws Exception {
        OracleTestClient client = client();
        BigInteger job = requestThrough(client, 0, 100_000);
        client.setAcceptsPayments(false).send();
        TransactionReceipt receipt = sequencer.fail(job, "model error").send();
        assertThat(ChimpOracle.getRefundDeferredEvents(receipt).get(0).amount).isEqualTo(PRICE);
        assertThat(owner.credits(client.getContractAddress()).send()).isEqualTo(PRICE);
        client.setAcceptsPayments(true).send();
        client.claimCredit(owner.getContractAddress()).send();
        assertThat(owner.credits(client.getContractAddress()).send()).isZero();
        assertThat(DevChain.balance(client.getContractAddress())).isEqualTo(PRICE);
        reverts(stranger.claim(), "nothing to claim");
    }

    // ------------------------------------------------------------------ callbacks

    @Test
    void theCallbackGetsJobHashAndUri() throws Exception {
        OracleTestClient client = client();
        BigInteger job = requestThrough(client, 0, 200_000);
        TransactionReceipt receipt = sequencer.fulfill(job, HASH, URI).send();
        assertThat(ChimpOracle.getCallbackFailedEvents(receipt)).isEmpty();
        assertThat(client.calls().send()).isEqualTo(BigInteger.ONE);
        assertThat(client.lastJobId().send()).isEqualTo(job);
        assertThat(client.lastHash().send()).isEqualTo(HASH);
        assertThat(client.lastUri().send()).isEqualTo(URI);
    }

    @Test
    void aRevertingCallbackIsRecordedAndDoesNotUndoTheFulfilment() throws Exception {
        OracleTestClient client = client();
        BigInteger job = requestThrough(client, 1, 200_000);
        TransactionReceipt receipt = sequencer.fulfill(job, HASH, URI).send();
        var failed = ChimpOracle.getCallbackFailedEvents(receipt).get(0);
        assertThat(failed.jobId).isEqualTo(job);
        assertThat(new String(failed.reason, StandardCharsets.ISO_8859_1)).contains("client refuses");
        assertThat(state(job)).isEqualTo(2);
        assertThat(owner.fees().send()).isEqualTo(PRICE);
    }

    @Test
    void aCallbackGetsNoMoreGasThanItsLimit() throws Exception {
        OracleTestClient client = client();
        BigInteger job = requestThrough(client, 2, 100_000);
        TransactionReceipt receipt = sequencer.fulfill(job, HASH, URI).send();
        assertThat(ChimpOracle.getCallbackFailedEvents(receipt)).hasSize(1);
        assertThat(receipt.getGasUsed()).as("the callback burnt its 100k, not the 3M the sequencer offered").isLessThan(BigInteger.valueOf(400_000));
        assertThat(state(job)).isEqualTo(2);
    }

    @Test
    void aHugeRevertMessageIsCut() throws Exception {
        OracleTestClient client = client();
        BigInteger job = requestThrough(client, 6, 1_000_000);
        var failed = ChimpOracle.getCallbackFailedEvents(sequencer.fulfill(job, HASH, URI).send()).get(0);
        assertThat(failed.reason).hasSize(256);
    }

    @Test
    void aSequencerCannotStarveTheCallback() throws Exception {
        OracleTestClient client = client();
        BigInteger job = requestThrough(client, 0, 1_000_000);
        ChimpOracle stingy = ChimpOracle.load(owner.getContractAddress(), DevChain.web3j(), DevChain.as(SEQUENCER),
                new StaticGasProvider(DevChain.GAS.getGasPrice(), BigInteger.valueOf(300_000)));
        reverts(stingy.fulfill(job, HASH, URI), "too little gas for the callback");
        assertThat(state(job)).isEqualTo(1);
        sequencer.fulfill(job, HASH, URI).send();
        assertThat(client.calls().send()).isEqualTo(BigInteger.ONE);
    }

    @Test
    void theCallbackCannotReenterTheOracle() throws Exception {
        OracleTestClient client = client();
        owner.setSequencer(client.getContractAddress(), true).send(); // so that only the reentrancy guard stops it
        for (int mode : new int[] {3, 4, 5}) {
            BigInteger job = requestThrough(client, mode, 500_000);
            TransactionReceipt receipt = sequencer.fulfill(job, HASH, URI).send();
            var failed = ChimpOracle.getCallbackFailedEvents(receipt);
            assertThat(failed).as("mode %d", mode).hasSize(1);
            assertThat(new String(failed.get(0).reason, StandardCharsets.ISO_8859_1)).contains("reentrant call");
            assertThat(ChimpOracle.getJobFulfilledEvents(receipt)).hasSize(1);
            assertThat(owner.getJob(job).send().component7()).isEqualTo(HASH);
            assertThat(state(job)).isEqualTo(2);
        }
        assertThat(owner.jobCount().send()).as("no job was requested from inside a callback").isEqualTo(BigInteger.valueOf(3));
    }

    @Test
    void aCallbackAddressWithoutCodeIsReportedNotCalled() throws Exception {
        TransactionReceipt request = requester.requestJob(modelId, new byte[0], STRANGER.getAddress(), new byte[] {1, 2, 3, 4},
                BigInteger.valueOf(50_000), BigInteger.ZERO, PRICE).send();
        BigInteger job = ChimpOracle.getJobCreatedEvents(request).get(0).jobId;
        var failed = ChimpOracle.getCallbackFailedEvents(sequencer.fulfill(job, HASH, URI).send());
        assertThat(new String(failed.get(0).reason, StandardCharsets.UTF_8)).isEqualTo("callback has no code");
        assertThat(state(job)).isEqualTo(2);
    }

    // ------------------------------------------------------------------ fees

    @Test
    void onlyFeesOfFulfilledJobsAreWithdrawnAndOnlyByTheOwner() throws Exception {
        BigInteger done = request(requester, PRICE);
        request(requester, PRICE.shiftLeft(2)); // stays open: escrow, not a fee
        sequencer.fulfill(done, HASH, URI).send();
        BigInteger before = DevChain.balance(STRANGER.getAddress());
        TransactionReceipt receipt = owner.withdraw(STRANGER.getAddress()).send();
        assertThat(ChimpOracle.getFeesWithdrawnEvents(receipt).get(0).amount).isEqualTo(PRICE);
        assertThat(DevChain.balance(STRANGER.getAddress())).isEqualTo(before.add(PRICE));
        assertThat(DevChain.balance(owner.getContractAddress())).isEqualTo(PRICE.shiftLeft(2));
        assertThat(owner.fees().send()).isZero();
        reverts(owner.withdraw(ZERO), "zero recipient");
    }

    @Test
    void theSeedIsPassedWhole() throws Exception {
        byte[] max = new byte[32];
        Arrays.fill(max, (byte) 0xff);
        TransactionReceipt receipt = requester.requestJob(modelId, new byte[0], ZERO, NO_SELECTOR, BigInteger.ZERO,
                new BigInteger(1, max), PRICE).send();
        assertThat(ChimpOracle.getJobCreatedEvents(receipt).get(0).seed).isEqualTo(new BigInteger(1, max));
    }
}
