package org.chimp.api.game;

/** A player's mark; X moves first. Its code is the cell value of the tensor and byte forms (0 is an empty cell). */
public enum Mark {
    X, O;

    /** 1 for X, 2 for O. */
    public byte code() {
        return (byte) (ordinal() + 1);
    }

    /** The other player. */
    public Mark other() {
        return this == X ? O : X;
    }

    /** The mark of a cell code, or null for 0 (empty). */
    static Mark ofCode(int code) {
        return code == 0 ? null : values()[code - 1];
    }
}
