package org.chimp.api.tensor;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Reads a tensor's {@code data} from a JSON parser straight into a {@code double[]}, without a node per value: the
 * parse of a request of 2,304 floats is most of its cost. Lists may nest (row-major, as the protocol allows). The
 * first value an array of doubles cannot hold exactly (a string, a boolean, an object, an integer beyond 2^53) turns
 * the rest into nodes, flat, so every data type sees what a tree parse would have given it and refuses it with the
 * same message.
 */
public final class TensorDataReader {
    /** Integers up to this magnitude are exact as doubles. */
    private static final long EXACT = 1L << 53;

    private TensorDataReader() {
    }

    /**
     * Reads the value the parser is on (its current token) and leaves the parser on the value's last token. The
     * parser's codec reads the values that are kept as nodes; it must not look for trailing tokens after them.
     */
    public static TensorData read(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            JsonNode value = p.readValueAsTree();
            return new TensorData.Nodes(value == null ? NullNode.instance : value);
        }
        double[] values = new double[256];
        BitSet whole = new BitSet();
        int n = 0;
        ArrayNode nodes = null;
        int depth = 1;
        while (depth > 0) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new com.fasterxml.jackson.core.io.JsonEOFException(p, null, "Unexpected end of input in 'data'");
            }
            switch (t) {
                case START_ARRAY -> depth++;
                case END_ARRAY -> depth--;
                case VALUE_NUMBER_FLOAT, VALUE_NUMBER_INT -> {
                    if (nodes == null && exact(p, t)) {
                        if (n == values.length) {
                            values = Arrays.copyOf(values, n * 2);
                        }
                        if (t == JsonToken.VALUE_NUMBER_INT) {
                            whole.set(n);
                            values[n++] = p.getLongValue();
                        } else {
                            values[n++] = p.getDoubleValue();
                        }
                    } else {
                        nodes = nodes != null ? nodes : nodes(values, n, whole);
                        nodes.add((JsonNode) p.readValueAsTree());
                    }
                }
                default -> {
                    nodes = nodes != null ? nodes : nodes(values, n, whole);
                    nodes.add((JsonNode) p.readValueAsTree());
                }
            }
        }
        return nodes != null ? new TensorData.Nodes(nodes) : new TensorData.Numbers(Arrays.copyOf(values, n), whole);
    }

    /** Whether a number token is a double, or an integer a double holds exactly. */
    private static boolean exact(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getNumberType() == JsonParser.NumberType.DOUBLE || p.getNumberType() == JsonParser.NumberType.FLOAT;
        }
        JsonParser.NumberType type = p.getNumberType();
        if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
            return false;
        }
        long v = p.getLongValue();
        return v >= -EXACT && v <= EXACT;
    }

    private static ArrayNode nodes(double[] values, int n, BitSet whole) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode(n);
        new TensorData.Numbers(Arrays.copyOf(values, n), whole).nodes().forEach(out::add);
        return out;
    }
}
