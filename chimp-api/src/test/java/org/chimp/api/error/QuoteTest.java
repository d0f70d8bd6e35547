package org.chimp.api.error;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

class QuoteTest {
    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    @Test
    void shortValuesAreQuotedWhole() throws Exception {
        assertThat(Quote.json(json("[1, [2, 3], {\"a\": \"b\"}]"))).isEqualTo("[1,[2,3],{\"a\":\"b\"}]");
        assertThat(Quote.json(json("\"x\""))).isEqualTo("\"x\"");
        assertThat(Quote.json(null)).isEqualTo("nothing");
    }

    @Test
    void longValuesAreCut() throws Exception {
        assertThat(Quote.json(JsonNodeFactory.instance.textNode("x".repeat(1_000_000)))).hasSize(Quote.MAX_CHARS).endsWith("...");
        StringBuilder deep = new StringBuilder();
        deep.append("[".repeat(900)).append("1").append("]".repeat(900));
        assertThat(Quote.json(json(deep.toString()))).hasSize(Quote.MAX_CHARS).startsWith("[[[[").endsWith("...");
        assertThat(Quote.json(json("{\"k\": [" + "1,".repeat(10_000) + "1]}"))).hasSize(Quote.MAX_CHARS).startsWith("{\"k\":[1,1");
    }
}
