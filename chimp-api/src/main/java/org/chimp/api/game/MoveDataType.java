package org.chimp.api.game;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import org.chimp.api.DataType;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.tensor.Tensor;

/**
 * The game-move output. JSON: {@code {"move": 0-8}}, the cell row by row; as an Open Inference Protocol output:
 * {@code [N]} INT32 cells; on chain: one byte.
 */
public final class MoveDataType implements DataType<Move> {
    @Override
    public String id() {
        return "tictactoe-move";
    }

    @Override
    public Class<Move> valueType() {
        return Move.class;
    }

    @Override
    public Move fromJson(JsonNode json) {
        JsonNode m = json == null ? null : json.get("move");
        if (m == null || !m.isIntegralNumber() || !m.canConvertToLong()) {
            throw ClientErrorException.invalid("A game move is {\"move\": <cell 0-8, row by row>}");
        }
        return Move.read(m.asLong());
    }

    @Override
    public JsonNode toJson(Move value) {
        return JsonNodeFactory.instance.objectNode().put("move", value.cell());
    }

    @Override
    public JsonNode jsonSchema() {
        try {
            return new ObjectMapper().readTree("""
                {"type": "object", "required": ["move"], "properties": {
                  "move": {"type": "integer", "minimum": 0, "maximum": 8, "description": "the cell to play, row by row"}}}""");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public JsonNode example() {
        return toJson(new Move(4));
    }

    @Override
    public String tensorName() {
        return "move";
    }

    @Override
    public Tensor toTensor(String name, List<Move> values) {
        ArrayNode data = JsonNodeFactory.instance.arrayNode();
        values.forEach(m -> data.add(m.cell()));
        return Tensor.of(name, "INT32", new long[] {values.size()}, data);
    }

    @Override
    public byte[] toBytes(Move value) {
        return new byte[] {(byte) value.cell()};
    }
}
