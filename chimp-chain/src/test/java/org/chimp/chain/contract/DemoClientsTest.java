package org.chimp.chain.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.chimp.chain.devnet.DevChain.REQUESTER;
import static org.chimp.chain.devnet.DevChain.SEQUENCER;
import static org.chimp.chain.devnet.DevChain.STRANGER;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.chimp.chain.devnet.DevChain;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** The two demo client contracts, with the test playing the sequencer. */
@Tag("slow")
class DemoClientsTest {
    private static final BigInteger PRICE = BigInteger.valueOf(1_000_000_000_000L);

    private ChimpOracle oracle;
    private ChimpOracle sequencer;

    @BeforeEach
    void deploy() throws Exception {
        oracle = DevChain.deployOracle();
        sequencer = ChimpOracle.load(oracle.getContractAddress(), DevChain.web3j(), DevChain.as(SEQUENCER), DevChain.GAS);
    }

    private BigInteger register(String task) throws Exception {
        return ChimpOracle.getModelRegisteredEvents(oracle.registerModel("m", task, new byte[32], "", PRICE).send()).get(0).modelId;
    }

    @Test
    void theClassifierClientKeepsTheResultReference() throws Exception {
        ImageClassifierClient client = ImageClassifierClient.deploy(DevChain.web3j(), DevChain.as(REQUESTER), DevChain.GAS,
                oracle.getContractAddress(), register("image-classification")).send();
        TransactionReceipt receipt = client.classify(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, PRICE).send();
        var created = ChimpOracle.getJobCreatedEvents(receipt).get(0);
        assertThat(created.input).containsExactly((byte) 0x89, 'P', 'N', 'G');
        assertThat(created.requester).isEqualToIgnoringCase(client.getContractAddress());

        byte[] hash = Hash.sha256("{\"label\":\"happy\"}".getBytes(StandardCharsets.UTF_8));
        TransactionReceipt fulfil = sequencer.fulfill(created.jobId, hash, "http://chimp/blobs/sha256:00").send();
        assertThat(ChimpOracle.getCallbackFailedEvents(fulfil)).isEmpty();
        var result = client.resultOf(created.jobId).send();
        assertThat(result.component1()).isEqualToIgnoringCase(REQUESTER.getAddress());
        assertThat(result.component2()).isTrue();
        assertThat(result.component3()).isEqualTo(hash);
        assertThat(result.component4()).isEqualTo("http://chimp/blobs/sha256:00");

        ImageClassifierClient forged = ImageClassifierClient.load(client.getContractAddress(), DevChain.web3j(), DevChain.as(STRANGER), DevChain.GAS);
        assertThatThrownBy(() -> forged.onResult(created.jobId, new byte[32], "x").send()).hasMessageContaining("not the oracle");
    }

    @Test
    void theClassifierClientReturnsThePaymentOfAFailedJob() throws Exception {
        ImageClassifierClient client = ImageClassifierClient.deploy(DevChain.web3j(), DevChain.as(REQUESTER), DevChain.GAS,
                oracle.getContractAddress(), register("image-classification")).send();
        BigInteger job = ChimpOracle.getJobCreatedEvents(client.classify(new byte[] {1}, PRICE).send()).get(0).jobId;
        assertThatThrownBy(() -> client.returnPayment(job).send()).hasMessageContaining("not failed or reclaimed");
        sequencer.fail(job, "not an image").send();
        assertThat(DevChain.balance(client.getContractAddress())).isEqualTo(PRICE);
        ImageClassifierClient anyone = ImageClassifierClient.load(client.getContractAddress(), DevChain.web3j(), DevChain.as(STRANGER), DevChain.GAS);
        BigInteger before = DevChain.balance(REQUESTER.getAddress());
        anyone.returnPayment(job).send();
        assertThat(DevChain.balance(REQUESTER.getAddress())).isEqualTo(before.add(PRICE));
        assertThatThrownBy(() -> anyone.returnPayment(job).send()).hasMessageContaining("nothing to return");
    }

    private static byte[] move(int cell) {
        return Hash.sha256(new byte[] {(byte) cell});
    }

    private static BigInteger jobOf(TransactionReceipt receipt) {
        return ChimpOracle.getJobCreatedEvents(receipt).get(0).jobId;
    }

    @Test
    void ticTacToeAsksTheOracleForEachMoveAndSeesItWin() throws Exception {
        TicTacToe game = TicTacToe.deploy(DevChain.web3j(), DevChain.as(REQUESTER), DevChain.GAS,
                oracle.getContractAddress(), register("game-move")).send();
        BigInteger id = TicTacToe.getGameStartedEvents(game.newGame().send()).get(0).gameId;
        assertThatThrownBy(() -> game.play(id, BigInteger.ZERO, PRICE.subtract(BigInteger.ONE)).send()).hasMessageContaining("payment below price");

        var first = ChimpOracle.getJobCreatedEvents(game.play(id, BigInteger.ZERO, PRICE).send()).get(0);
        assertThat(first.input).as("the board as 9 bytes").containsExactly(1, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThatThrownBy(() -> game.play(id, BigInteger.ONE, PRICE).send()).hasMessageContaining("not your turn");
        sequencer.fulfill(first.jobId, move(4), "uri").send();
        assertThat(game.getGame(id).send().component3()).extracting(BigInteger::intValue).containsExactly(1, 0, 0, 0, 2, 0, 0, 0, 0);

        assertThatThrownBy(() -> game.play(id, BigInteger.valueOf(4), PRICE).send()).hasMessageContaining("cell taken");
        sequencer.fulfill(jobOf(game.play(id, BigInteger.ONE, PRICE).send()), move(2), "uri").send();
        sequencer.fulfill(jobOf(game.play(id, BigInteger.valueOf(3), PRICE).send()), move(6), "uri").send();
        var game1 = game.getGame(id).send();
        assertThat(game1.component2().intValue()).as("2-4-6 is the oracle's").isEqualTo(4);
        assertThat(game1.component3()).extracting(BigInteger::intValue).containsExactly(1, 1, 2, 1, 2, 0, 2, 0, 0);
        assertThatThrownBy(() -> game.play(id, BigInteger.valueOf(5), PRICE).send()).hasMessageContaining("not your turn");
    }

    @Test
    void ticTacToeEndsWithoutTheOracleWhenThePlayerWinsAndPunishesAnIllegalMove() throws Exception {
        TicTacToe game = TicTacToe.deploy(DevChain.web3j(), DevChain.as(REQUESTER), DevChain.GAS,
                oracle.getContractAddress(), register("game-move")).send();
        BigInteger id = TicTacToe.getGameStartedEvents(game.newGame().send()).get(0).gameId;
        sequencer.fulfill(jobOf(game.play(id, BigInteger.ZERO, PRICE).send()), move(3), "uri").send();
        sequencer.fulfill(jobOf(game.play(id, BigInteger.ONE, PRICE).send()), move(4), "uri").send();
        BigInteger jobsBefore = oracle.jobCount().send();
        TransactionReceipt winning = game.play(id, BigInteger.TWO, PRICE).send();
        assertThat(TicTacToe.getGameOverEvents(winning).get(0).status.intValue()).isEqualTo(3);
        assertThat(oracle.jobCount().send()).as("no oracle move after the last one").isEqualTo(jobsBefore);

        BigInteger second = TicTacToe.getGameStartedEvents(game.newGame().send()).get(0).gameId;
        BigInteger job = jobOf(game.play(second, BigInteger.valueOf(4), PRICE).send());
        TransactionReceipt illegal = sequencer.fulfill(job, move(4), "uri").send(); // the player's own cell
        assertThat(TicTacToe.getOracleForfeitedEvents(illegal)).hasSize(1);
        assertThat(game.getGame(second).send().component2().intValue()).isEqualTo(3);

        BigInteger third = TicTacToe.getGameStartedEvents(game.newGame().send()).get(0).gameId;
        BigInteger garbage = jobOf(game.play(third, BigInteger.ZERO, PRICE).send());
        sequencer.fulfill(garbage, Hash.sha256("not a move".getBytes(StandardCharsets.UTF_8)), "uri").send();
        assertThat(game.getGame(third).send().component2().intValue()).isEqualTo(3);
    }

    @Test
    void ticTacToeAsksAgainAfterAFailedOracleJob() throws Exception {
        TicTacToe game = TicTacToe.deploy(DevChain.web3j(), DevChain.as(REQUESTER), DevChain.GAS,
                oracle.getContractAddress(), register("game-move")).send();
        BigInteger id = TicTacToe.getGameStartedEvents(game.newGame().send()).get(0).gameId;
        BigInteger job = jobOf(game.play(id, BigInteger.ZERO, PRICE).send());
        assertThatThrownBy(() -> game.retryOracle(id, PRICE).send()).hasMessageContaining("still open");
        sequencer.fail(job, "agent crashed").send();
        BigInteger retry = jobOf(game.retryOracle(id, PRICE).send());
        assertThat(retry).isNotEqualTo(job);
        sequencer.fulfill(retry, move(8), "uri").send();
        assertThat(game.getGame(id).send().component3()).extracting(BigInteger::intValue).containsExactlyElementsOf(
                List.of(1, 0, 0, 0, 0, 0, 0, 0, 2));
    }
}
