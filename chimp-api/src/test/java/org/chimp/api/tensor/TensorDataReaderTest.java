package org.chimp.api.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.chimp.api.error.ClientErrorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Values read straight into numbers answer every data type exactly as values read from a JSON tree. */
class TensorDataReaderTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static Stream<Arguments> tensors() {
        return Stream.of(
                Arguments.of("FP32", "[1, 3]", "[0.5, -1, 2e3]"),
                Arguments.of("FP32", "[1, 2, 2]", "[[0.25, 1], [3, -0.0]]"),
                Arguments.of("FP32", "[1, 2]", "[1e39, 1]"),
                Arguments.of("FP32", "[1, 2]", "[1e400, 1]"),
                Arguments.of("FP32", "[1, 2]", "[1, \"two\"]"),
                Arguments.of("FP32", "[1, 3]", "[1, 2]"),
                Arguments.of("FP32", "[1, 1]", "[]"),
                Arguments.of("FP32", "[1, 2]", "[1, true]"),
                Arguments.of("FP32", "[1, 2]", "[1, null]"),
                Arguments.of("FP32", "[1, 2]", "[1, {\"a\": 1}]"),
                Arguments.of("FP32", "[1, 2]", "{\"a\": 1}"),
                Arguments.of("FP32", "[1, 2]", "\"1, 2\""),
                Arguments.of("FP32", "[1, 2]", "null"),
                Arguments.of("UINT8", "[1, 4]", "[0, 255, 3.0, 7]"),
                Arguments.of("UINT8", "[1, 2]", "[0, 256]"),
                Arguments.of("UINT8", "[1, 2]", "[0, 2.5]"),
                Arguments.of("UINT8", "[1, 2]", "[0, -1]"),
                Arguments.of("INT32", "[1, 3]", "[1, -2147483648, 2147483647]"),
                Arguments.of("INT32", "[1, 2]", "[1, 2147483648]"),
                Arguments.of("INT32", "[1, 2]", "[1, 2.0]"),
                Arguments.of("INT64", "[2]", "[9007199254740993, 1]"),
                Arguments.of("INT64", "[2]", "[-9223372036854775808, 9223372036854775807]"),
                Arguments.of("INT64", "[2]", "[99999999999999999999, 1]"),
                Arguments.of("INT8", "[1, 2]", "[[-128], [127]]"),
                Arguments.of("INT16", "[1, 2]", "[-32769, 1]"),
                Arguments.of("BYTES", "[2]", "[\"a\", \"b\"]"),
                Arguments.of("BYTES", "[2]", "[\"a\", 2]"));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("tensors")
    void everyReadingAgreesWithTheTreeParse(String datatype, String shape, String data) throws Exception {
        String json = "{\"name\": \"x\", \"datatype\": \"" + datatype + "\", \"shape\": " + shape + ", \"data\": " + data + "}";
        JsonNode header = MAPPER.readTree(json);
        Tensor tree = Tensor.parse(header, 64);
        Tensor streamed = Tensor.parse(header, streamed(data), 64);
        for (Function<Tensor, Object> reading : List.<Function<Tensor, Object>>of(
                t -> Arrays.toString(t.floats()), t -> Arrays.toString(t.ints()), t -> Arrays.toString(t.longs()),
                t -> t.strings("a value"), t -> t.values().toString())) {
            assertThat(outcome(reading, streamed)).isEqualTo(outcome(reading, tree));
        }
    }

    @Test
    void plainNumbersAreReadIntoAnArrayWithoutNodes() throws Exception {
        TensorData data = streamed("[[0.5, 1], [2, -3.25]]");
        assertThat(data).isInstanceOf(TensorData.Numbers.class);
        TensorData.Numbers numbers = (TensorData.Numbers) data;
        assertThat(numbers.values()).containsExactly(0.5, 1, 2, -3.25);
        assertThat(numbers.whole().stream().toArray()).containsExactly(1, 2);
        assertThat(numbers.json().toString()).isEqualTo("[0.5,1,2,-3.25]");
    }

    @Test
    void aValueAnArrayCannotHoldTurnsTheRestIntoNodes() throws Exception {
        assertThat(streamed("[1, \"a\", [2.5]]")).isInstanceOf(TensorData.Nodes.class)
                .extracting(d -> d.json().toString()).isEqualTo("[1,\"a\",2.5]");
        assertThat(streamed("[1, 9007199254740993]")).isInstanceOf(TensorData.Nodes.class)
                .extracting(d -> d.json().get(1).asLong()).isEqualTo(9007199254740993L);
    }

    @Test
    void theParserIsLeftOnTheValuesLastToken() throws Exception {
        try (JsonParser p = MAPPER.createParser("[[1, 2], [3]] 7")) {
            p.nextToken();
            TensorDataReader.read(p);
            assertThat(p.nextToken().isNumeric()).isTrue();
            assertThat(p.getIntValue()).isEqualTo(7);
        }
    }

    private static TensorData streamed(String data) throws Exception {
        try (JsonParser p = MAPPER.createParser(data)) {
            p.nextToken();
            return TensorDataReader.read(p);
        }
    }

    private static Object outcome(Function<Tensor, Object> reading, Tensor t) {
        try {
            return reading.apply(t);
        } catch (ClientErrorException e) {
            return e.status() + " " + e.getMessage();
        }
    }
}
