package org.chimp.chain.task;

import org.chimp.api.Tasks;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.game.Board;
import org.chimp.api.game.Move;
import org.chimp.chain.sequencer.ModelFailure;

/**
 * The {@code game-move} task's perfect-play TicTacToe agent. Chain encoding: the board as 9 bytes, cells row by
 * row, 0 empty, 1 the first player, 2 the second; the output is one byte, the cell the side to move plays (the
 * first player moves when both have as many marks). Perfect play: it wins when it can, as soon as it can, and
 * otherwise draws, losing only on boards already lost.
 */
public final class GameMoveAgent {
    private static final int[][] LINES = {
        {0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {0, 3, 6}, {1, 4, 7}, {2, 5, 8}, {0, 4, 8}, {2, 4, 6}
    };

    private GameMoveAgent() {
    }

    /**
     * The move for this board, or a ModelFailure saying why the board cannot be played. The bytes are read and
     * checked by the game-move task's input type, and the move written by its output type, as served models' are.
     */
    public static byte[] move(byte[] input) throws ModelFailure {
        Board position;
        try {
            position = Tasks.GAME_MOVE.input().fromBytes(input);
        } catch (ClientErrorException e) {
            throw new ModelFailure("game-move: " + e.getMessage());
        }
        int[] board = new int[9];
        byte[] cells = position.cells();
        for (int i = 0; i < 9; i++) {
            board[i] = cells[i];
        }
        int me = position.player().code();
        int best = -1;
        int bestScore = Integer.MIN_VALUE;
        for (int cell = 0; cell < 9; cell++) {
            if (board[cell] == 0) {
                board[cell] = me;
                int score = -negamax(board, 3 - me, 1);
                board[cell] = 0;
                if (score > bestScore) {
                    bestScore = score;
                    best = cell;
                }
            }
        }
        return Tasks.GAME_MOVE.output().toBytes(new Move(best));
    }

    /** The value of the board for the side to move: +(10 - depth) for a win, negative for a loss, 0 for a draw. */
    private static int negamax(int[] board, int toMove, int depth) {
        int w = winner(board);
        if (w != 0) {
            return w == toMove ? 10 - depth : depth - 10;
        }
        int best = Integer.MIN_VALUE;
        boolean moved = false;
        for (int cell = 0; cell < 9; cell++) {
            if (board[cell] == 0) {
                moved = true;
                board[cell] = toMove;
                best = Math.max(best, -negamax(board, 3 - toMove, depth + 1));
                board[cell] = 0;
            }
        }
        return moved ? best : 0;
    }

    static int winner(int[] board) {
        for (int[] line : LINES) {
            if (board[line[0]] != 0 && board[line[0]] == board[line[1]] && board[line[1]] == board[line[2]]) {
                return board[line[0]];
            }
        }
        return 0;
    }
}
