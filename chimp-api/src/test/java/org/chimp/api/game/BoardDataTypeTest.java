package org.chimp.api.game;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.chimp.api.Tasks;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.tensor.Tensor;
import org.junit.jupiter.api.Test;

class BoardDataTypeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final BoardDataType boards = new BoardDataType();

    private Board read(String json) throws Exception {
        return boards.fromJson(MAPPER.readTree(json));
    }

    @Test
    void readsABoardAndThePlayerToMove() throws Exception {
        Board b = read("{\"board\": [\"X\", \"\", \"\", \"\", \"O\", \"\", \"\", \"\", \"X\"], \"player\": \"O\"}");
        assertThat(b.cells()).containsExactly(1, 0, 0, 0, 2, 0, 0, 0, 1);
        assertThat(b.player()).isEqualTo(Mark.O);
        assertThat(b.freeCells()).containsExactly(1, 2, 3, 5, 6, 7);
        assertThat(boards.fromJson(boards.toJson(b))).isEqualTo(b).hasSameHashCodeAs(b);
    }

    @Test
    void hostileBoardsAre400sSayingWhatIsWrong() {
        assertInvalid(() -> read("[1, 2]")).contains("{\"board\"");
        assertInvalid(() -> read("{\"board\": [\"X\"], \"player\": \"O\"}")).contains("'board' must list 9 cells");
        assertInvalid(() -> read("{\"board\": \"XXXXXXXXX\", \"player\": \"O\"}")).contains("'board' must list 9 cells");
        assertInvalid(() -> read("{\"board\": [\"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\"], \"player\": \"X\"}"))
                .contains("9 cells");
        assertInvalid(() -> read("{\"board\": [\"x\", \"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\"], \"player\": \"O\"}"))
                .contains("'board' cell 0 must be \"X\", \"O\" or \"\"");
        assertInvalid(() -> read("{\"board\": [1, 0, 0, 0, 0, 0, 0, 0, 0], \"player\": \"O\"}")).contains("cell 0");
        assertInvalid(() -> read("{\"board\": [\"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\"], \"player\": \"Z\"}"))
                .contains("'player' must be \"X\" or \"O\"");
        assertInvalid(() -> read("{\"board\": [\"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\"]}")).contains("'player'");
        assertInvalid(() -> read("{\"board\": [\"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\"], \"player\": \"X\", \"x\": 1}"))
                .contains("Unknown field \"x\"");
        // impossible counts: O moved first, or X moved twice in a row
        assertInvalid(() -> read("{\"board\": [\"O\", \"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\"], \"player\": \"X\"}"))
                .contains("impossible: 0 X and 1 O");
        assertInvalid(() -> read("{\"board\": [\"X\", \"X\", \"\", \"\", \"\", \"\", \"\", \"\", \"\"], \"player\": \"O\"}"))
                .contains("impossible: 2 X and 0 O");
        // already over: a line, or a full board
        assertInvalid(() -> read("{\"board\": [\"X\", \"X\", \"X\", \"O\", \"O\", \"\", \"\", \"\", \"\"], \"player\": \"O\"}"))
                .contains("already decided: X has three in a row");
        assertInvalid(() -> read("{\"board\": [\"X\", \"O\", \"X\", \"X\", \"O\", \"O\", \"O\", \"X\", \"X\"], \"player\": \"O\"}"))
                .contains("the board is full");
        // wrong player to move
        assertInvalid(() -> read("{\"board\": [\"X\", \"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\"], \"player\": \"X\"}"))
                .contains("It is O's turn on this board (1 X, 0 O), not X's");
        assertInvalid(() -> read("{\"board\": [\"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\"], \"player\": \"O\"}"))
                .contains("It is X's turn");
    }

    @Test
    void aListOfBoardsIsABatchCountedBeforeReading() throws Exception {
        JsonNode one = boards.example();
        JsonNode two = MAPPER.createArrayNode().add(one).add(one);
        assertThat(boards.isBatch(one)).isFalse();
        assertThat(boards.fromJsonBatch(one, 1)).hasSize(1);
        assertThat(boards.fromJsonBatch(two, 2)).hasSize(2);
        JsonNode bad = MAPPER.createArrayNode().add(1).add(2).add(3);
        assertInvalid(() -> boards.fromJsonBatch(bad, 2)).contains("At most 2 inputs per request, got 3");
        assertInvalid(() -> boards.fromJsonBatch(MAPPER.createArrayNode(), 2)).contains("empty");
    }

    @Test
    void tensorsAreNByNineCellsWithThePlayerImplied() throws Exception {
        Tensor t = Tensor.parse(MAPPER.readTree("""
                {"name": "board", "shape": [2, 9], "datatype": "INT32", "data": [[1, 0, 0, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 2, 0, 0, 0, 0]]}"""), 8);
        List<Board> read = boards.fromTensor(t);
        assertThat(read).extracting(Board::player).containsExactly(Mark.O, Mark.X);
        assertInvalid(() -> boards.fromTensor(Tensor.parse(MAPPER.readTree("""
                {"name": "board", "shape": [1, 8], "datatype": "INT32", "data": [0, 0, 0, 0, 0, 0, 0, 0]}"""), 8)))
                .contains("Input 'board': shape [1, 8] is not a batch of boards");
        assertInvalid(() -> boards.fromTensor(Tensor.parse(MAPPER.readTree("""
                {"name": "board", "shape": [1, 9], "datatype": "FP32", "data": [0, 0, 0, 0, 0, 0, 0, 0, 0]}"""), 8)))
                .contains("datatype must be INT8, UINT8 or INT32");
        assertInvalid(() -> boards.fromTensor(Tensor.parse(MAPPER.readTree("""
                {"name": "board", "shape": [1, 9], "datatype": "INT8", "data": [0, 0, 300, 0, 0, 0, 0, 0, 0]}"""), 8)))
                .contains("'data' value 2 (300) is not a INT8");
        assertInvalid(() -> boards.fromTensor(Tensor.parse(MAPPER.readTree("""
                {"name": "board", "shape": [1, 9], "datatype": "INT8", "data": [0, 0, 3, 0, 0, 0, 0, 0, 0]}"""), 8)))
                .contains("board 0 cell 2 is 3");
        assertInvalid(() -> boards.fromTensor(Tensor.parse(MAPPER.readTree("""
                {"name": "board", "shape": [1, 9], "datatype": "INT8", "data": [2, 2, 0, 0, 0, 0, 0, 0, 0]}"""), 8)))
                .contains("impossible");
    }

    @Test
    void chainBytesAreNineCellsAndTheMoveOneByte() {
        assertThat(Tasks.GAME_MOVE.input().fromBytes(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0}).player()).isEqualTo(Mark.O);
        assertInvalid(() -> Tasks.GAME_MOVE.input().fromBytes(new byte[8])).contains("9 bytes");
        assertInvalid(() -> Tasks.GAME_MOVE.input().fromBytes(new byte[] {-1, 0, 0, 0, 0, 0, 0, 0, 0})).contains("0, 1 or 2");
        assertThat(Tasks.GAME_MOVE.output().toBytes(new Move(7))).containsExactly(7);
    }

    @Test
    void movesAreCellsZeroToEight() throws Exception {
        MoveDataType moves = new MoveDataType();
        assertThat(moves.fromJson(MAPPER.readTree("{\"move\": 4}")).cell()).isEqualTo(4);
        assertInvalid(() -> moves.fromJson(MAPPER.readTree("{\"move\": 9}"))).contains("0 to 8");
        assertInvalid(() -> moves.fromJson(MAPPER.readTree("{\"move\": \"4\"}"))).contains("{\"move\"");
        Tensor t = moves.toTensor("move", List.of(new Move(4), new Move(0)));
        assertThat(t.datatype()).isEqualTo("INT32");
        assertThat(t.shape()).containsExactly(2);
        assertThat(t.data().json().toString()).isEqualTo("[4,0]");
    }

    @Provide
    Arbitrary<String> cells() {
        return Arbitraries.of("X", "O", "", "", "x", "XO", " ", "null");
    }

    /** Any board of any length, any player: a playable board whose rules hold, or a 400, never anything else. */
    @Property(tries = 500)
    void anyBoardIsPlayableOrA400(@ForAll @Size(max = 11) List<@From("cells") String> cells,
                                  @ForAll("players") String player) {
        var json = MAPPER.createObjectNode();
        cells.forEach(json.putArray("board")::add);
        json.put("player", player);
        try {
            Board b = boards.fromJson(json);
            assertThat(b.freeCells()).isNotEmpty();
            assertThat(Board.winner(b.cells())).isNull();
        } catch (ClientErrorException e) {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> players() {
        return Arbitraries.of("X", "O", "", "o", "XX");
    }
}
