package org.chimp.api.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.api.error.ClientErrors.assertClientError;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

class GenerationRequestDataTypeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final GenerationRequestDataType type = new GenerationRequestDataType();

    private GenerationRequest read(String json) throws Exception {
        return type.fromJson(MAPPER.readTree(json));
    }

    @Test
    void readsAllFieldsOrFillsDefaults() throws Exception {
        GenerationRequest r = read("{\"prompt\": \"hi\", \"max_tokens\": 5, \"temperature\": 0.5, \"top_p\": 0.9, \"seed\": 7}");
        assertThat(r).isEqualTo(new GenerationRequest("hi", 5, 0.5, 0.9, 7L));
        assertThat(r.seedOr(99)).isEqualTo(7);
        assertThat(type.fromJson(type.toJson(r))).isEqualTo(r);
        GenerationRequest d = read("\"just a prompt\"");
        assertThat(d.maxTokens()).isEqualTo(GenerationRequest.DEFAULT_MAX_TOKENS);
        assertThat(d.seed()).isNull();
        assertThat(d.seedOr(99)).isEqualTo(99);
        assertThat(read("{\"prompt\": \"x\", \"temperature\": 0}").isGreedy()).isTrue();
    }

    @Test
    void outOfRangeValuesSayTheRange() {
        assertInvalid(() -> read("{\"prompt\": \"x\", \"max_tokens\": 0}")).contains("'max_tokens' must be from 1 to 2048");
        assertInvalid(() -> read("{\"prompt\": \"x\", \"max_tokens\": 100000}")).contains("'max_tokens' must be from 1 to 2048, got 100000");
        assertInvalid(() -> read("{\"prompt\": \"x\", \"max_tokens\": 99999999999999999999}")).contains("'max_tokens' must be an integer");
        assertInvalid(() -> read("{\"prompt\": \"x\", \"temperature\": -0.1}")).contains("'temperature' must be from 0");
        assertInvalid(() -> read("{\"prompt\": \"x\", \"temperature\": 50}")).contains("'temperature'");
        assertInvalid(() -> read("{\"prompt\": \"x\", \"top_p\": 0}")).contains("'top_p' must be above 0 and at most 1");
        assertInvalid(() -> read("{\"prompt\": \"x\", \"top_p\": 1.5}")).contains("'top_p'");
        assertInvalid(() -> read("{\"prompt\": \"x\", \"seed\": -1}")).contains("'seed' must be from 0");
    }

    @Test
    void wrongTypesAndUnknownFieldsNameTheField() {
        assertInvalid(() -> read("{\"prompt\": 3}")).contains("'prompt' must be a string");
        assertInvalid(() -> read("{\"max_tokens\": 3}")).contains("'prompt' must be a string");
        assertInvalid(() -> read("{\"prompt\": \"x\", \"max_tokens\": \"ten\"}")).contains("'max_tokens' must be an integer");
        assertInvalid(() -> read("{\"prompt\": \"x\", \"max_tokens\": 2.5}")).contains("'max_tokens' must be an integer");
        assertInvalid(() -> read("{\"prompt\": \"x\", \"temperature\": \"hot\"}")).contains("'temperature' must be a number");
        assertInvalid(() -> read("{\"prompt\": \"x\", \"maxTokens\": 3}")).contains("Unknown field \"maxTokens\"");
        assertInvalid(() -> read("[1]")).contains("\"prompt\"");
        assertInvalid(() -> read("\"\"")).contains("non-empty");
    }

    @Test
    void aHugePromptIsA413() {
        var json = JsonNodeFactory.instance.objectNode().put("prompt", "x".repeat(GenerationRequest.MAX_PROMPT_CHARS + 1));
        assertClientError(413, () -> type.fromJson(json)).contains("at most " + GenerationRequest.MAX_PROMPT_CHARS);
    }

    @Test
    void generationWritesSnakeCaseAndReadsBack() throws Exception {
        GenerationDataType out = new GenerationDataType();
        Generation g = new Generation("abc", 3, Generation.FinishReason.EOS);
        assertThat(out.toJson(g)).isEqualTo(MAPPER.readTree("{\"text\": \"abc\", \"tokens\": 3, \"finish_reason\": \"eos\"}"));
        assertThat(out.fromJson(out.toJson(g))).isEqualTo(g);
        assertInvalid(() -> out.fromJson(MAPPER.readTree("{\"text\": 1, \"finish_reason\": \"bored\"}"))).contains("finish_reason");
    }
}
