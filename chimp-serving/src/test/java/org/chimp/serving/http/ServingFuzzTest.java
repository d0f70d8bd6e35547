package org.chimp.serving.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.chimp.api.image.PngBomb;
import org.chimp.http.Json;
import org.chimp.serving.ServingFixture;
import org.chimp.tracking.registry.Stage;

/**
 * Fuzzes both inference APIs over HTTP with a tiny model: whatever the body, the answer is a 2xx whose scores are
 * numbers, or a 4xx with a JSON error body and a message; never a 5xx.
 */
class ServingFuzzTest {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** Well past the default pixel limit, yet quick to build. */
    private static final String BOMB = Base64.getEncoder().encodeToString(PngBomb.gray(5000, 5000));
    private static Path dir;
    private static ServingApp app;

    @BeforeContainer
    static void start() throws IOException {
        dir = Files.createTempDirectory("serving-fuzz");
        app = new ServingApp(dir);
        app.f.registerIn("faces", ServingFixture.upright(), Stage.PRODUCTION);
    }

    @AfterContainer
    static void stop() throws IOException {
        app.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Property(tries = 400)
    void chimpInferenceAnswersEveryInputsValue(@ForAll("anyJson") JsonNode inputs) throws IOException {
        ObjectNode body = JSON.objectNode().set("inputs", inputs);
        HttpResponse<String> r = app.send("POST", "/model/faces/infer", body.toString());
        JsonNode answer = assertAnswered(r);
        if (r.statusCode() == 200) {
            answer.path("predictions").path("probabilities").forEach(row -> row.forEach(v -> assertThat(v.isNumber()).isTrue()));
        }
    }

    @Property(tries = 400)
    void openInferenceAnswersEveryTensor(@ForAll("oipInput") JsonNode input) throws IOException {
        ObjectNode body = JSON.objectNode();
        body.putArray("inputs").add(input);
        HttpResponse<String> r = app.send("POST", "/v2/models/faces/infer", body.toString());
        JsonNode answer = assertAnswered(r);
        if (r.statusCode() == 200) {
            JsonNode out = answer.path("outputs").get(0);
            assertThat(out.path("datatype").asText()).isEqualTo("FP32");
            out.path("data").forEach(v -> assertThat(v.isNumber()).as(r.body()).isTrue());
        }
    }

    @Property(tries = 200)
    void anyBodyOnEitherApi(@ForAll("anyJson") JsonNode body, @ForAll boolean oip) throws IOException {
        assertAnswered(app.send("POST", oip ? "/v2/models/faces/infer" : "/model/faces/infer", body.toString()));
    }

    @Property(tries = 100)
    void anyTextOnEitherApi(@ForAll("text") String body, @ForAll boolean oip) throws IOException {
        assertAnswered(app.send("POST", oip ? "/v2/models/faces/infer" : "/model/faces/infer", body));
    }

    /** The answer is a 2xx, or a 4xx with the JSON error body; returns the parsed body. */
    private static JsonNode assertAnswered(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isLessThan(500);
        JsonNode answer = Json.MAPPER.readTree(r.body());
        if (r.statusCode() >= 400) {
            assertThat(answer.path("status-code").asInt()).isEqualTo(r.statusCode());
            assertThat(answer.path("message").asText()).as(r.body()).isNotBlank().hasSizeLessThan(1000);
        }
        return answer;
    }

    @Provide
    Arbitrary<JsonNode> anyJson() {
        return json(4);
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(200),
                Arbitraries.of("", " ", "{", "[", "{\"inputs\": ", "null", "{\"inputs\": [1, 2", "\"\\ud800\"", "[]".repeat(3000),
                        "[".repeat(10_000) + "]".repeat(10_000), "{\"inputs\": " + "[".repeat(2000) + "]".repeat(2000) + "}"));
    }

    @Provide
    Arbitrary<JsonNode> oipInput() {
        Arbitrary<JsonNode> name = Arbitraries.oneOf(Arbitraries.of("image", "features", "x".repeat(5000)).map(JSON::textNode),
                Arbitraries.just(JSON.numberNode(7)), Arbitraries.just(JSON.nullNode()));
        Arbitrary<JsonNode> datatype = Arbitraries.of("FP32", "FP32", "UINT8", "BYTES", "FP64", "INT32", "fp32", "", "BOOL")
                .map(s -> (JsonNode) JSON.textNode(s)).injectNull(0.05);
        Arbitrary<List<Long>> dims = Arbitraries.of(1L, 1L, 2L, 2L, 3L, 4L, 0L, -1L, 2147483647L, 1048577L, 20000L, Long.MAX_VALUE)
                .list().ofMaxSize(5);
        // Shapes the tiny model takes (so values reach the model), arbitrary dimensions, and arbitrary JSON.
        Arbitrary<List<Long>> fitting = Arbitraries.of(List.of(1L, 4L), List.of(2L, 4L), List.of(1L, 2L, 2L), List.of(3L, 2L, 2L),
                List.of(1L, 2L, 2L, 3L), List.of(1L, 2L, 2L, 4L), List.of(1L), List.of(2L));
        Arbitrary<JsonNode> shape = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, fitting.map(ServingFuzzTest::longs)),
                net.jqwik.api.Tuple.of(2, dims.map(ServingFuzzTest::longs)), net.jqwik.api.Tuple.of(1, json(2)));
        return Combinators.combine(name, datatype, shape, json(3), Arbitraries.integers().between(0, 3))
                .as((n, t, s, randomData, how) -> {
                    ObjectNode in = JSON.objectNode();
                    in.set("name", n);
                    in.set("datatype", t);
                    in.set("shape", s);
                    in.set("data", how == 0 ? randomData : dataFor(s, t, how));
                    return in;
                });
    }

    /** Data of the size the shape asks for (when that is small), so requests also get past the size checks. */
    private static JsonNode dataFor(JsonNode shape, JsonNode datatype, int how) {
        long count = 1;
        for (JsonNode d : shape) {
            count *= Math.max(0, Math.min(64, d.asLong()));
        }
        ArrayNode data = JSON.arrayNode();
        boolean bytes = datatype != null && datatype.asText().equals("BYTES");
        for (long i = 0; i < Math.min(count, 4096); i++) {
            if (bytes) {
                data.add(how == 1 ? ServingApp.png(i % 2 == 0) : how == 2 ? BOMB : "bm90IGFuIGltYWdl");
            } else {
                data.add(how == 1 ? i % 256 : how == 2 ? 3e38 : 1e39);
            }
        }
        return data;
    }

    private static JsonNode longs(List<Long> values) {
        ArrayNode a = JSON.arrayNode();
        values.forEach(a::add);
        return a;
    }

    private static Arbitrary<JsonNode> json(int depth) {
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
                Arbitraries.integers().between(-300, 300).map(i -> (JsonNode) JSON.numberNode(i)),
                Arbitraries.doubles().map(d -> (JsonNode) JSON.numberNode(d)),
                Arbitraries.of(new BigDecimal("1e39"), new BigDecimal("-1e400"), new BigDecimal("0.5"), new BigDecimal("255.0"))
                        .map(d -> (JsonNode) JSON.numberNode(d)),
                Arbitraries.just(JSON.numberNode(new BigInteger("123456789012345678901234567890"))),
                Arbitraries.strings().ofMaxLength(40).map(s -> (JsonNode) JSON.textNode(s)),
                Arbitraries.of(ServingApp.png(true), "data:image/png;base64," + ServingApp.png(false), BOMB, "%%%", "")
                        .map(s -> (JsonNode) JSON.textNode(s)),
                Arbitraries.of(JSON.nullNode(), JSON.booleanNode(true)));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<JsonNode> list = json(depth - 1).list().ofMaxSize(5).map(items -> {
            ArrayNode a = JSON.arrayNode();
            items.forEach(a::add);
            return a;
        });
        Arbitrary<JsonNode> pixels = Arbitraries.integers().between(0, 255).list().ofMinSize(1).ofMaxSize(4).list().ofMinSize(1).ofMaxSize(4)
                .map(rows -> {
                    ArrayNode a = JSON.arrayNode();
                    rows.forEach(row -> {
                        ArrayNode r = a.addArray();
                        row.forEach(r::add);
                    });
                    return a;
                });
        Arbitrary<JsonNode> object = Combinators.combine(Arbitraries.of("inputs", "shape", "data", "a"), json(depth - 1))
                .as((k, v) -> JSON.objectNode().set(k, v));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, leaf), net.jqwik.api.Tuple.of(3, list), net.jqwik.api.Tuple.of(2, pixels),
                net.jqwik.api.Tuple.of(1, object));
    }
}
