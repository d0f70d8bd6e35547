package org.chimp.api.tensor;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * A tensor's values: JSON as a client sent it (any form, checked when a data type reads it), or plain numbers read
 * straight into an array by {@link TensorDataReader} or from binary tensor data, which is what a request of numbers
 * almost always is and costs no node per value.
 */
public sealed interface TensorData {
    /** The values as JSON, e.g. to write an answer. */
    JsonNode json();

    /** Values as JSON; {@code json} may be null (a request without {@code data}) or any non-list a client sent. */
    record Nodes(JsonNode json) implements TensorData {
        @Override
        @JsonValue
        public JsonNode json() {
            return json;
        }
    }

    /**
     * Numbers in row-major order, flat.
     *
     * @param values the values
     * @param whole  which values were whole numbers (JSON integers, binary integer types), so the integer data types
     *               refuse {@code 3.0} as they do when reading JSON nodes
     */
    record Numbers(double[] values, BitSet whole) implements TensorData {
        /** Numbers of an FP32 tensor, none of them whole. */
        public static Numbers ofFloats(float[] values) {
            double[] d = new double[values.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = values[i];
            }
            return new Numbers(d, new BitSet());
        }

        /** Whole numbers of an integer tensor. */
        public static Numbers ofInts(int[] values) {
            double[] d = new double[values.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = values[i];
            }
            BitSet whole = new BitSet(d.length);
            whole.set(0, d.length);
            return new Numbers(d, whole);
        }

        /** The number of values. */
        public int size() {
            return values.length;
        }

        /** Values {@code from} (inclusive) to {@code to} (exclusive). */
        public Numbers slice(int from, int to) {
            return new Numbers(Arrays.copyOfRange(values, from, to), whole.get(from, to));
        }

        /** One value as the node a JSON parser would have made of it: an integer node if whole, else a double. */
        public JsonNode node(int i) {
            double d = values[i];
            if (!whole.get(i)) {
                return DoubleNode.valueOf(d);
            }
            return d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE ? IntNode.valueOf((int) d) : LongNode.valueOf((long) d);
        }

        /** The values as nodes, made as they are read. */
        public List<JsonNode> nodes() {
            return new AbstractList<>() {
                @Override
                public JsonNode get(int index) {
                    return node(index);
                }

                @Override
                public int size() {
                    return values.length;
                }
            };
        }

        @Override
        @JsonValue
        public JsonNode json() {
            ArrayNode out = JsonNodeFactory.instance.arrayNode(values.length);
            nodes().forEach(out::add);
            return out;
        }
    }
}
