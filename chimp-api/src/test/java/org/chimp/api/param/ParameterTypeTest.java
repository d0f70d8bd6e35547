package org.chimp.api.param;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ParameterTypeTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    @ParameterizedTest
    @CsvSource({"true,true", "True,true", "TRUE,true", "1,true", "yes,true", "on,true", "' true ',true",
            "false,false", "False,false", "0,false", "no,false", "NO,false", "off,false"})
    void booleanText(String text, boolean expected) {
        assertThat(ParameterType.BOOLEAN.parseText(text)).isEqualTo(F.booleanNode(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "maybe", "2", "t", "nope"})
    void booleanTextRejected(String text) {
        assertThat(ParameterType.BOOLEAN.parseText(text)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"42,42", "' -7 ',-7", "0,0", "9007199254740993,9007199254740993"})
    void integerText(String text, long expected) {
        JsonNode n = ParameterType.INTEGER.parseText(text);
        assertThat(n.isIntegralNumber()).isTrue();
        assertThat(n.asLong()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "1.5", "1e3", "", "12abc", "99999999999999999999"})
    void integerTextRejected(String text) {
        assertThat(ParameterType.INTEGER.parseText(text)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"1.5,1.5", "3,3.0", "-2e-3,-0.002", "' 0.25 ',0.25"})
    void numberText(String text, double expected) {
        assertThat(ParameterType.NUMBER.parseText(text).asDouble()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "abc", "", "1.5.2"})
    void numberTextRejected(String text) {
        assertThat(ParameterType.NUMBER.parseText(text)).isNull();
    }

    @Test
    void stringTextKeptVerbatim() {
        assertThat(ParameterType.STRING.parseText(" a b ")).isEqualTo(F.textNode(" a b "));
    }

    @Test
    void jsonTextParsed() throws Exception {
        assertThat(ParameterType.JSON.parseText("[1, 2, {\"a\": true}]")).isEqualTo(json("[1,2,{\"a\":true}]"));
        assertThat(ParameterType.JSON.parseText("{\"k\": \"v\"}")).isEqualTo(json("{\"k\":\"v\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "[1, 2", "{\"a\":}", "[1] trailing", "   "})
    void jsonTextRejected(String text) {
        assertThat(ParameterType.JSON.parseText(text)).isNull();
    }

    @Test
    void coerceAcceptsNativeValues() throws Exception {
        assertThat(ParameterType.INTEGER.coerce(F.numberNode(3))).isEqualTo(F.numberNode(3));
        assertThat(ParameterType.INTEGER.coerce(F.numberNode(3.0)).isIntegralNumber()).isTrue();
        assertThat(ParameterType.INTEGER.coerce(F.numberNode(3.0)).asLong()).isEqualTo(3);
        assertThat(ParameterType.NUMBER.coerce(F.numberNode(2))).isEqualTo(F.numberNode(2));
        assertThat(ParameterType.BOOLEAN.coerce(F.booleanNode(false))).isEqualTo(F.booleanNode(false));
        assertThat(ParameterType.STRING.coerce(F.textNode("x"))).isEqualTo(F.textNode("x"));
        assertThat(ParameterType.JSON.coerce(json("[1,2]"))).isEqualTo(json("[1,2]"));
    }

    @Test
    void coerceParsesText() {
        assertThat(ParameterType.INTEGER.coerce(F.textNode("3")).asLong()).isEqualTo(3);
        assertThat(ParameterType.NUMBER.coerce(F.textNode("0.5")).asDouble()).isEqualTo(0.5);
        assertThat(ParameterType.BOOLEAN.coerce(F.textNode("False"))).isEqualTo(F.booleanNode(false));
    }

    @Test
    void coerceRejectsWrongTypes() {
        assertThat(ParameterType.INTEGER.coerce(F.numberNode(1.5))).isNull();
        assertThat(ParameterType.INTEGER.coerce(F.textNode("abc"))).isNull();
        assertThat(ParameterType.INTEGER.coerce(F.booleanNode(true))).isNull();
        assertThat(ParameterType.NUMBER.coerce(F.textNode("NaN"))).isNull();
        assertThat(ParameterType.NUMBER.coerce(F.numberNode(Double.NaN))).isNull();
        assertThat(ParameterType.NUMBER.coerce(F.numberNode(Double.POSITIVE_INFINITY))).isNull();
        assertThat(ParameterType.NUMBER.coerce(F.arrayNode())).isNull();
        assertThat(ParameterType.BOOLEAN.coerce(F.numberNode(1))).isNull();
        assertThat(ParameterType.STRING.coerce(F.numberNode(1))).isNull();
        assertThat(ParameterType.STRING.coerce(F.nullNode())).isNull();
        assertThat(ParameterType.JSON.coerce(null)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"int,INTEGER", "INTEGER,INTEGER", "float,NUMBER", "bool,BOOLEAN", "Str,STRING", "json,JSON"})
    void ofFindsWireAndEnumNames(String name, ParameterType expected) {
        assertThat(ParameterType.of(name)).isEqualTo(expected);
    }

    @Test
    void ofRejectsUnknown() {
        assertThatThrownBy(() -> ParameterType.of("double")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("double");
    }
}
