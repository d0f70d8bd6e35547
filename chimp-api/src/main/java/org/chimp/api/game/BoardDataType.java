package org.chimp.api.game;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.chimp.api.DataType;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.error.Quote;
import org.chimp.api.tensor.Tensor;

/**
 * The game-move input. JSON: {@code {"board": [9 cells of "X", "O" or ""], "player": "X" or "O"}}, cells row by row;
 * a list of such objects is a batch. As an Open Inference Protocol tensor: {@code [N, 9]} INT8, UINT8 or INT32 cells
 * (0 empty, 1 X, 2 O), the player to move implied by the counts; on chain: those 9 cells as 9 bytes.
 */
public final class BoardDataType implements DataType<Board> {
    private static final String FORM = "{\"board\": [9 cells, row by row, each \"X\", \"O\" or \"\"], \"player\": \"X\" or \"O\"}";
    private static final Set<String> FIELDS = Set.of("board", "player");

    @Override
    public String id() {
        return "tictactoe-board";
    }

    @Override
    public Class<Board> valueType() {
        return Board.class;
    }

    @Override
    public Board fromJson(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw ClientErrorException.invalid("A game-move input is " + FORM + ", got " + Quote.json(json));
        }
        json.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                throw ClientErrorException.invalid("Unknown field " + Quote.json(JsonNodeFactory.instance.textNode(f))
                        + " in a game-move input; it is " + FORM);
            }
        });
        JsonNode board = json.get("board");
        if (board == null || !board.isArray() || board.size() != Board.CELLS) {
            throw ClientErrorException.invalid("'board' must list 9 cells, row by row, got " + Quote.json(board));
        }
        byte[] cells = new byte[Board.CELLS];
        for (int i = 0; i < Board.CELLS; i++) {
            cells[i] = cell(i, board.get(i));
        }
        return new Board(cells, player(json.get("player")));
    }

    @Override
    public JsonNode toJson(Board value) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        ArrayNode cells = n.putArray("board");
        for (int i = 0; i < Board.CELLS; i++) {
            Mark m = value.at(i);
            cells.add(m == null ? "" : m.name());
        }
        n.put("player", value.player().name());
        return n;
    }

    @Override
    public JsonNode jsonSchema() {
        try {
            return new ObjectMapper().readTree("""
                {"type": "object", "additionalProperties": false, "required": ["board", "player"],
                 "properties": {
                   "board": {"type": "array", "minItems": 9, "maxItems": 9, "description": "the cells, row by row",
                             "items": {"enum": ["X", "O", ""]}},
                   "player": {"enum": ["X", "O"], "description": "the player to move; X moves first"}}}""");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** X in the top-left corner, O in the centre, X to move. */
    @Override
    public JsonNode example() {
        return toJson(new Board(new byte[] {1, 0, 0, 0, 2, 0, 0, 0, 0}, Mark.X));
    }

    @Override
    public List<Board> fromTensor(Tensor t) {
        if (t.rank() != 2 || t.shape()[1] != Board.CELLS) {
            throw t.invalid("shape " + Arrays.toString(t.shape()) + " is not a batch of boards; send shape [N, 9] "
                    + "(datatype INT8, UINT8 or INT32; cells 0 empty, 1 X, 2 O, row by row)");
        }
        if (!List.of("INT8", "UINT8", "INT32").contains(t.datatype())) {
            throw t.invalid("datatype must be INT8, UINT8 or INT32 (cells 0 empty, 1 X, 2 O), got "
                    + Quote.json(JsonNodeFactory.instance.textNode(t.datatype())));
        }
        int[] values = t.ints();
        List<Board> boards = new ArrayList<>(t.batch());
        for (int b = 0; b < t.batch(); b++) {
            byte[] cells = new byte[Board.CELLS];
            for (int i = 0; i < Board.CELLS; i++) {
                int v = values[b * Board.CELLS + i];
                if (v < 0 || v > 2) {
                    throw t.invalid("board " + b + " cell " + i + " is " + v + "; cells are 0 (empty), 1 (X) or 2 (O)");
                }
                cells[i] = (byte) v;
            }
            boards.add(Board.of(cells));
        }
        return boards;
    }

    /** 9 bytes, row by row: 0 empty, 1 X, 2 O (the oracle's TicTacToe encoding). */
    @Override
    public Board fromBytes(byte[] bytes) {
        if (bytes.length != Board.CELLS) {
            throw ClientErrorException.invalid("A game-move input is 9 bytes (the cells), got " + bytes.length);
        }
        return Board.of(bytes);
    }

    private static byte cell(int i, JsonNode v) {
        if (v.isTextual()) {
            switch (v.asText()) {
                case "" -> {
                    return 0;
                }
                case "X" -> {
                    return Mark.X.code();
                }
                case "O" -> {
                    return Mark.O.code();
                }
                default -> { }
            }
        }
        throw ClientErrorException.invalid("'board' cell " + i + " must be \"X\", \"O\" or \"\" (empty), got " + Quote.json(v));
    }

    private static Mark player(JsonNode v) {
        if (v == null || !v.isTextual() || !(v.asText().equals("X") || v.asText().equals("O"))) {
            throw ClientErrorException.invalid("'player' must be \"X\" or \"O\" (the player to move), got " + Quote.json(v));
        }
        return Mark.valueOf(v.asText());
    }
}
