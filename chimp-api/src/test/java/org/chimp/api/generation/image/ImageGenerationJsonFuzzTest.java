package org.chimp.api.generation.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.chimp.api.DataType;
import org.chimp.api.error.ClientErrorException;

/**
 * Whatever JSON values arrive in the request fields (and in unknown ones), reading them gives a request or a 400
 * whose message stays short; never another exception.
 */
class ImageGenerationJsonFuzzTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final List<String> FIELDS = List.of("prompt", "negative_prompt", "seed", "steps", "guidance_scale",
            "guidance", "width", "height", "image", "media_type", "extra");

    @Property(tries = 300)
    void arbitraryFieldValues(@ForAll("requests") Map<String, JsonNode> fields) {
        ObjectNode json = F.objectNode();
        fields.forEach(json::set);
        readOrRefuse(TextToImageInput.TYPE, json);
        readOrRefuse(UnconditionalImageInput.TYPE, json);
        readOrRefuse(GeneratedImage.TYPE, json);
    }

    /** A value read must survive its own JSON form; a refusal is a short 400. */
    private static <T> void readOrRefuse(DataType<T> type, JsonNode json) {
        try {
            T value = type.fromJson(json);
            assertThat(type.fromJson(type.toJson(value))).isNotNull();
        } catch (ClientErrorException e) {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).hasSizeLessThan(600);
        }
    }

    @Provide
    Arbitrary<Map<String, JsonNode>> requests() {
        return Arbitraries.maps(Arbitraries.of(FIELDS), values()).ofMaxSize(FIELDS.size());
    }

    private static Arbitrary<JsonNode> values() {
        Arbitrary<JsonNode> scalars = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40).map(F::textNode),
                Arbitraries.strings().withCharRange('\u0000', '\uffff').ofMinLength(1900).ofMaxLength(2100).map(F::textNode),
                Arbitraries.integers().between(-10, 5000).map(F::numberNode),
                Arbitraries.longs().map(F::numberNode),
                Arbitraries.bigIntegers().between(BigInteger.TWO.pow(70).negate(), BigInteger.TWO.pow(70)).map(F::numberNode),
                Arbitraries.doubles().map(d -> (JsonNode) F.numberNode(d)),
                Arbitraries.bigDecimals().between(new BigDecimal("-1e400"), new BigDecimal("1e400")).map(F::numberNode),
                Arbitraries.of(F.booleanNode(true), F.nullNode(), F.textNode("iVBORw0KGgo="), F.textNode("%%%")));
        return Arbitraries.oneOf(scalars, scalars.list().ofMaxSize(3).map(l -> {
            var a = F.arrayNode();
            l.forEach(a::add);
            return a;
        }), scalars.map(v -> F.objectNode().set("nested", v)));
    }
}
