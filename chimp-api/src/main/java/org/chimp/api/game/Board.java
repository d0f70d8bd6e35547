package org.chimp.api.game;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.chimp.api.error.ClientErrorException;

/**
 * A TicTacToe position that can still be played: 9 cells row by row (0 empty, {@link Mark#code()} otherwise) and
 * the player to move. The constructor refuses, with a 400 saying why, every board that cannot arise in a game or
 * has no move left: wrong length or cell values, impossible mark counts (X moves first, so X has as many marks as
 * O or one more), a game already won or drawn, and the wrong player to move.
 */
public record Board(byte[] cells, Mark player) {
    public static final int CELLS = 9;
    private static final int[][] LINES = {
        {0, 1, 2}, {3, 4, 5}, {6, 7, 8}, {0, 3, 6}, {1, 4, 7}, {2, 5, 8}, {0, 4, 8}, {2, 4, 6}
    };

    public Board {
        if (cells == null || cells.length != CELLS) {
            throw ClientErrorException.invalid("A board has 9 cells, row by row; got " + (cells == null ? "none" : cells.length));
        }
        cells = cells.clone();
        int x = 0;
        int o = 0;
        for (int i = 0; i < CELLS; i++) {
            switch (cells[i]) {
                case 0 -> { }
                case 1 -> x++;
                case 2 -> o++;
                default -> throw ClientErrorException.invalid("Board cell " + i + " is " + cells[i] + "; cells are 0, 1 or 2 (empty, X, O)");
            }
        }
        if (x != o && x != o + 1) {
            throw ClientErrorException.invalid("The board is impossible: " + x + " X and " + o + " O; X moves first, so X has as "
                    + "many marks as O or one more");
        }
        Mark won = winner(cells);
        if (won != null) {
            throw ClientErrorException.invalid("The game is already decided: " + won + " has three in a row");
        }
        if (x + o == CELLS) {
            throw ClientErrorException.invalid("The game is already decided: the board is full (a draw)");
        }
        Mark toMove = x == o ? Mark.X : Mark.O;
        if (player != toMove) {
            throw ClientErrorException.invalid("It is " + toMove + "'s turn on this board (" + x + " X, " + o + " O), not "
                    + player + "'s");
        }
    }

    /** The board with the player to move implied by the mark counts, as the tensor and byte forms carry it. */
    public static Board of(byte[] cells) {
        int x = 0;
        int o = 0;
        for (byte c : cells) {
            x += c == 1 ? 1 : 0;
            o += c == 2 ? 1 : 0;
        }
        return new Board(cells, x > o ? Mark.O : Mark.X);
    }

    /** The mark in a cell, or null if it is empty. */
    public Mark at(int cell) {
        return Mark.ofCode(cells[cell]);
    }

    /** The empty cells, in order. */
    public List<Integer> freeCells() {
        List<Integer> free = new ArrayList<>();
        for (int i = 0; i < CELLS; i++) {
            if (cells[i] == 0) {
                free.add(i);
            }
        }
        return free;
    }

    /** The cells as a copy (0 empty, 1 X, 2 O). */
    @Override
    public byte[] cells() {
        return cells.clone();
    }

    /** Boards are values: equal when their cells and player are (a record compares arrays by identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Board b && Arrays.equals(cells, b.cells) && player == b.player;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(cells) + player.hashCode();
    }

    @Override
    public String toString() {
        return "Board" + Arrays.toString(cells) + " " + player + " to move";
    }

    /** The player with three in a row on these cells, or null. */
    public static Mark winner(byte[] cells) {
        for (int[] line : LINES) {
            if (cells[line[0]] != 0 && cells[line[0]] == cells[line[1]] && cells[line[1]] == cells[line[2]]) {
                return Mark.ofCode(cells[line[0]]);
            }
        }
        return null;
    }
}
