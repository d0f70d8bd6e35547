package org.chimp.api.game;

import org.chimp.api.error.ClientErrorException;

/** The cell the player to move plays, 0-8 row by row. */
public record Move(int cell) {
    public Move {
        if (cell < 0 || cell >= Board.CELLS) {
            throw new IllegalArgumentException("a move is a cell from 0 to 8, got " + cell);
        }
    }

    /** A move read from a caller's value: a 400 outside 0-8. */
    static Move read(long cell) {
        if (cell < 0 || cell >= Board.CELLS) {
            throw ClientErrorException.invalid("A move is a cell from 0 to 8 (row by row), got " + cell);
        }
        return new Move((int) cell);
    }
}
