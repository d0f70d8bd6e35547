package org.chimp.models.game;

import java.util.Arrays;
import java.util.List;
import org.chimp.api.Model;
import org.chimp.api.RunContext;
import org.chimp.api.game.Board;
import org.chimp.api.game.Move;
import org.chimp.api.tensor.HasTensorSignature;
import org.chimp.api.tensor.TensorSignature;
import org.chimp.api.tensor.TensorSpec;

/**
 * Perfect TicTacToe play by exhaustive minimax (negamax): it wins when it can, as soon as it can, otherwise draws,
 * and on a lost board loses as late as possible. The value of every position reachable in a game (3^9 codes at most)
 * is computed once when the model is built, so a move is a few table reads and concurrent runs only read.
 */
public final class TicTacToeMinimax implements Model<Board, Move>, HasTensorSignature {
    private static final int POSITIONS = 19683; // 3^9
    private static final int UNKNOWN = Integer.MIN_VALUE;
    private static final TensorSignature SIGNATURE = new TensorSignature(
            List.of(new TensorSpec("board", "int32", List.of(-1L, 9L))),
            List.of(new TensorSpec("move", "int32", List.of(-1L))));

    /** The value of a position for the player to move: 10 - marks for a win, marks - 10 for a loss, 0 a draw. */
    private final int[] values = new int[POSITIONS];

    public TicTacToeMinimax() {
        Arrays.fill(values, UNKNOWN);
        value(new byte[Board.CELLS], (byte) 1, 0);
    }

    @Override
    public Move run(Board input, RunContext ctx) {
        byte[] cells = input.cells();
        byte me = input.player().code();
        int marks = Board.CELLS - input.freeCells().size();
        int best = -1;
        int bestValue = Integer.MIN_VALUE;
        for (int cell : input.freeCells()) {
            cells[cell] = me;
            int v = -value(cells, (byte) (3 - me), marks + 1);
            cells[cell] = 0;
            if (v > bestValue) {
                bestValue = v;
                best = cell;
            }
        }
        return new Move(best);
    }

    @Override
    public TensorSignature signature() {
        return SIGNATURE;
    }

    @Override
    public void close() {
        // nothing native to free
    }

    private int value(byte[] cells, byte toMove, int marks) {
        int key = key(cells);
        int known = values[key];
        if (known != UNKNOWN) {
            return known;
        }
        int v;
        if (Board.winner(cells) != null) {
            v = marks - 10; // the player who just moved won; the later, the better for the loser
        } else if (marks == Board.CELLS) {
            v = 0;
        } else {
            v = Integer.MIN_VALUE;
            for (int cell = 0; cell < Board.CELLS; cell++) {
                if (cells[cell] == 0) {
                    cells[cell] = toMove;
                    v = Math.max(v, -value(cells, (byte) (3 - toMove), marks + 1));
                    cells[cell] = 0;
                }
            }
        }
        // Only ever the same value is written, so runs racing on a position the constructor missed stay correct.
        values[key] = v;
        return v;
    }

    private static int key(byte[] cells) {
        int k = 0;
        for (byte c : cells) {
            k = k * 3 + c;
        }
        return k;
    }
}
