package org.chimp.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.chimp.api.tensor.TensorData;
import org.chimp.http.Json;
import org.junit.jupiter.api.Test;

/** The streaming read of an OIP body: the same JSON as a tree parse minus the values, and just as strict. */
class OipRequestTest {
    @Test
    void valuesAreReadApartAndTheRestIsTheBodysJson() throws Exception {
        String body = """
                {"id": "r1", "inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [0.5, 1, 2],
                  "parameters": {"binary_data": false}}, 7], "outputs": [{"name": "y"}], "parameters": {"a": null}}""";
        OipRequest r = read(body);
        ObjectNode expected = (ObjectNode) Json.MAPPER.readTree(body);
        ((ObjectNode) expected.get("inputs").get(0)).remove("data");
        assertThat(r.json()).isEqualTo(expected);
        assertThat(r.data()).hasSize(2);
        assertThat(((TensorData.Numbers) r.data().get(0)).values()).containsExactly(0.5, 1, 2);
        assertThat(r.data().get(1).json()).isNull();
    }

    @Test
    void anInputWithoutDataOrWithNullDataIsToldApart() throws Exception {
        assertThat(read("{\"inputs\": [{\"name\": \"x\"}]}").data().get(0).json()).isNull();
        assertThat(read("{\"inputs\": [{\"data\": null}]}").data().get(0).json().isNull()).isTrue();
    }

    @Test
    void aBodyThatIsNoObjectIsKeptAsItIs() throws Exception {
        assertThat(read("[1, 2]").json().toString()).isEqualTo("[1,2]");
        assertThat(read("null").json().isNull()).isTrue();
        assertThat(read("\"inputs\"").json().asText()).isEqualTo("inputs");
    }

    @Test
    void itIsAsStrictAsTheTreeParse() {
        assertThatThrownBy(() -> read("{\"inputs\": [{\"data\": [1], \"data\": [2]}]}"))
                .isInstanceOf(JsonProcessingException.class).hasMessageContaining("Duplicate field 'data'");
        assertThatThrownBy(() -> read("{\"inputs\": []} {}")).isInstanceOf(JsonProcessingException.class)
                .hasMessageContaining("Trailing token");
        assertThatThrownBy(() -> read("[1] 2")).isInstanceOf(JsonProcessingException.class).hasMessageContaining("Trailing token");
        assertThatThrownBy(() -> read("{\"inputs\": [{\"data\": [1, 2")).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> read("{\"inputs\": [{\"data\": [NaN]}]}")).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> read("{\"id\": \"a\", \"id\": \"b\"}")).isInstanceOf(JsonProcessingException.class)
                .hasMessageContaining("Duplicate field 'id'");
    }

    @Test
    void deepNestingStopsAtJacksonsLimit() {
        String deep = "{\"inputs\": [{\"data\": " + "[".repeat(5_000) + "1" + "]".repeat(5_000) + "}]}";
        assertThatThrownBy(() -> read(deep)).isInstanceOf(JsonProcessingException.class).hasMessageContaining("nesting depth");
    }

    @Test
    void aSliceOfTheBodyIsReadAlone() throws Exception {
        byte[] body = "{\"inputs\": []}garbage".getBytes(StandardCharsets.UTF_8);
        assertThat(OipRequest.read(body, 0, 14).json().toString()).isEqualTo("{\"inputs\":[]}");
    }

    private static OipRequest read(String body) throws JsonProcessingException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return OipRequest.read(bytes, 0, bytes.length);
    }
}
