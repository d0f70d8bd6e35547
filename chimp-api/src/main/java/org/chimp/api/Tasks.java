package org.chimp.api;

import java.util.List;
import java.util.OptionalInt;
import org.chimp.api.classification.Classification;
import org.chimp.api.classification.ClassificationDataType;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.game.Board;
import org.chimp.api.game.BoardDataType;
import org.chimp.api.game.Move;
import org.chimp.api.game.MoveDataType;
import org.chimp.api.image.Image;
import org.chimp.api.image.ImageDataType;

/** The catalogue of task APIs CHIMP knows. */
public final class Tasks {
    /** An image in, a probability per label out. Not (yet) an on-chain category. */
    public static final Task<Image, Classification> IMAGE_CLASSIFICATION = new Task<>(
            "image-classification", "Assigns a probability to each label for an image.",
            new ImageDataType(), new ClassificationDataType(), OptionalInt.empty());

    /** A TicTacToe board and the player to move in, the cell to play out (Buffalo's RLAgent). */
    public static final Task<Board, Move> GAME_MOVE = new Task<>(
            "game-move", "Chooses the move for the player to move on a TicTacToe board.",
            new BoardDataType(), new MoveDataType(), OptionalInt.empty());

    private static final List<Task<?, ?>> ALL = List.of(IMAGE_CLASSIFICATION, GAME_MOVE);

    private Tasks() {
    }

    /** Every known task. */
    public static List<Task<?, ?>> all() {
        return ALL;
    }

    /** The task with this id, or a 400 naming the known ids. */
    public static Task<?, ?> byId(String id) {
        for (Task<?, ?> t : ALL) {
            if (t.id().equals(id)) {
                return t;
            }
        }
        throw ClientErrorException.invalid("Unknown task '" + id + "'; known tasks: "
                + String.join(", ", ALL.stream().map(Task::id).toList()));
    }
}
