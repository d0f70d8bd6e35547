package org.chimp.models.game;

import java.util.List;
import org.chimp.api.Architecture;
import org.chimp.api.ArtifactResolver;
import org.chimp.api.ModelConfig;
import org.chimp.api.Task;
import org.chimp.api.Tasks;
import org.chimp.api.game.Board;
import org.chimp.api.game.Move;
import org.chimp.api.param.ParameterSpec;

/** {@code tictactoe-minimax}: the perfect-play game-move agent. It has no weights, so its config has no artifacts. */
public final class TicTacToeMinimaxArchitecture implements Architecture<Board, Move> {
    public static final String NAME = "tictactoe-minimax";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Task<Board, Move> task() {
        return Tasks.GAME_MOVE;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of();
    }

    @Override
    public List<String> requiredArtifacts() {
        return List.of();
    }

    @Override
    public TicTacToeMinimax build(ModelConfig config, ArtifactResolver artifacts) {
        return new TicTacToeMinimax();
    }
}
