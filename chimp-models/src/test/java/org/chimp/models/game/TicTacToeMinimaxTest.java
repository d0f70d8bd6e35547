package org.chimp.models.game;

import static org.assertj.core.api.Assertions.assertThat;

import org.chimp.api.Architectures;
import org.chimp.api.Model;
import org.chimp.api.ModelConfig;
import org.chimp.api.RunContext;
import org.chimp.api.TaskModel;
import org.chimp.api.Tasks;
import org.chimp.api.game.Board;
import org.chimp.api.game.Mark;
import org.chimp.api.game.Move;
import org.junit.jupiter.api.Test;

class TicTacToeMinimaxTest {
    private final TicTacToeMinimax agent = new TicTacToeMinimax();

    /**
     * Plays every line the opponent can choose against the agent, to the end of each game; returns the games the
     * agent lost and counts the games played.
     */
    private int losses(byte[] cells, Mark toMove, Mark agentMark, int[] games) {
        Mark won = Board.winner(cells);
        int marks = 0;
        for (byte c : cells) {
            marks += c == 0 ? 0 : 1;
        }
        if (won != null || marks == Board.CELLS) {
            games[0]++;
            return won != null && won != agentMark ? 1 : 0;
        }
        if (toMove == agentMark) {
            int cell = agent.run(new Board(cells, toMove), RunContext.defaults()).cell();
            assertThat(cells[cell]).as("the agent plays an empty cell").isZero();
            cells[cell] = agentMark.code();
            int l = losses(cells, toMove.other(), agentMark, games);
            cells[cell] = 0;
            return l;
        }
        int total = 0;
        for (int cell = 0; cell < Board.CELLS; cell++) {
            if (cells[cell] == 0) {
                cells[cell] = toMove.code();
                total += losses(cells, toMove.other(), agentMark, games);
                cells[cell] = 0;
            }
        }
        return total;
    }

    @Test
    void perfectPlayNeverLosesAgainstAnyOpponentLineAsEitherPlayer() {
        int[] asX = {0};
        int[] asO = {0};
        assertThat(losses(new byte[Board.CELLS], Mark.X, Mark.X, asX)).as("playing X, first").isZero();
        assertThat(losses(new byte[Board.CELLS], Mark.X, Mark.O, asO)).as("playing O, second").isZero();
        // Every opponent line was played out to its end: dozens of distinct games each way.
        assertThat(asX[0]).isGreaterThan(50);
        assertThat(asO[0]).isGreaterThan(50);
    }

    @Test
    void itWinsAtOnceWhenItCanAndOtherwiseBlocks() {
        // O to move wins on 8 (2-5-8) at once
        assertThat(agent.run(new Board(new byte[] {1, 1, 2, 0, 0, 2, 1, 0, 0}, Mark.O), RunContext.defaults()).cell()).isEqualTo(8);
        // O to move must block X's top row at cell 2
        assertThat(agent.run(new Board(new byte[] {1, 1, 0, 0, 2, 0, 0, 0, 0}, Mark.O), RunContext.defaults()).cell()).isEqualTo(2);
    }

    @Test
    void isFoundByServiceLoaderAndBuildsFromAConfigWithoutArtifacts() {
        Architectures all = Architectures.load();
        ModelConfig config = ModelConfig.parse("{\"task\": \"game-move\", \"architecture\": \"tictactoe-minimax\"}");
        TaskModel<?, ?> built = all.build(config, ref -> {
            throw new AssertionError("no artifact to resolve");
        });
        assertThat(built.task()).isSameAs(Tasks.GAME_MOVE);
        assertThat(built.model()).isInstanceOf(TicTacToeMinimax.class);
        try (Model<Board, Move> model = built.as(Tasks.GAME_MOVE, "the model")) {
            // On an empty board every move draws with perfect play; the agent takes the first of the best.
            assertThat(model.run(Tasks.GAME_MOVE.input().fromBytes(new byte[9]), RunContext.defaults()).cell()).isBetween(0, 8);
        }
        assertThat(all.find("game-move", "tictactoe-minimax").requiredArtifacts()).isEmpty();
    }
}
