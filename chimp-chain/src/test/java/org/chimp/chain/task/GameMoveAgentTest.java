package org.chimp.chain.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.chimp.chain.sequencer.ModelFailure;
import org.junit.jupiter.api.Test;

class GameMoveAgentTest {

    /** Plays every possible opponent line against the agent; returns how many games the agent lost. */
    private static int losses(int[] board, int toMove, int agent) throws ModelFailure {
        int w = GameMoveAgent.winner(board);
        if (w != 0) {
            return w == agent ? 0 : 1;
        }
        boolean full = true;
        for (int c : board) {
            full &= c != 0;
        }
        if (full) {
            return 0;
        }
        if (toMove == agent) {
            byte[] in = new byte[9];
            for (int i = 0; i < 9; i++) {
                in[i] = (byte) board[i];
            }
            int cell = GameMoveAgent.move(in)[0];
            assertThat(board[cell]).as("the agent plays an empty cell").isZero();
            board[cell] = agent;
            int l = losses(board, 3 - toMove, agent);
            board[cell] = 0;
            return l;
        }
        int total = 0;
        for (int cell = 0; cell < 9; cell++) {
            if (board[cell] == 0) {
                board[cell] = toMove;
                total += losses(board, 3 - toMove, agent);
                board[cell] = 0;
            }
        }
        return total;
    }

    @Test
    void theAgentNeverLosesAgainstAnyOpponentAsEitherSide() throws Exception {
        assertThat(losses(new int[9], 1, 2)).as("playing second").isZero();
        assertThat(losses(new int[9], 1, 1)).as("playing first").isZero();
    }

    @Test
    void itTakesAWinAndBlocksALoss() throws Exception {
        // player 2 to move, can win on cell 8 (2-5-8) and must otherwise block 0-1-2
        assertThat(GameMoveAgent.move(new byte[] {1, 1, 2, 0, 0, 2, 1, 0, 0})[0]).isEqualTo((byte) 8);
        // player 2 to move, must block cell 2
        assertThat(GameMoveAgent.move(new byte[] {1, 1, 0, 0, 2, 0, 0, 0, 0})[0]).isEqualTo((byte) 2);
    }

    @Test
    void boardsThatCannotBePlayedAreModelFailures() {
        assertThatThrownBy(() -> GameMoveAgent.move(new byte[8])).isInstanceOf(ModelFailure.class).hasMessageContaining("9 bytes");
        assertThatThrownBy(() -> GameMoveAgent.move(new byte[] {3, 0, 0, 0, 0, 0, 0, 0, 0})).hasMessageContaining("0, 1 or 2");
        assertThatThrownBy(() -> GameMoveAgent.move(new byte[] {2, 2, 0, 0, 0, 0, 0, 0, 0})).hasMessageContaining("impossible");
        assertThatThrownBy(() -> GameMoveAgent.move(new byte[] {1, 1, 1, 2, 2, 0, 0, 0, 0})).hasMessageContaining("decided");
    }

    @Property(tries = 300)
    void anyInputIsAMoveOrAModelFailure(@ForAll @Size(max = 12) byte[] input) {
        try {
            byte[] out = GameMoveAgent.move(input);
            assertThat(out).hasSize(1);
            assertThat(input[out[0]]).isZero();
        } catch (ModelFailure expected) {
            assertThat(expected.getMessage()).startsWith("game-move");
        }
    }

    @Test
    void modelReferencesRoundTrip() {
        assertThat(ModelRef.parse(ModelRef.stage("emotions", "Production").uri())).contains(ModelRef.stage("emotions", "Production"));
        assertThat(ModelRef.parse(ModelRef.version("emotions", 3).uri())).contains(ModelRef.version("emotions", 3));
        assertThat(ModelRef.parse("https://evil.example/model.pkl")).isEmpty();
        assertThat(ModelRef.parse("chimp:model/a/b/stage/x")).isEmpty();
    }
}
