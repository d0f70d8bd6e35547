package org.chimp.api.generation.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.chimp.api.Tasks;
import org.junit.jupiter.api.Test;

class ImageGenerationTypesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void tasksAreRegisteredWithTheOracleCategories() {
        assertThat(Tasks.byId("text-to-image")).isSameAs(Tasks.TEXT_TO_IMAGE);
        assertThat(Tasks.byId("unconditional-image")).isSameAs(Tasks.UNCONDITIONAL_IMAGE);
        assertThat(Tasks.TEXT_TO_IMAGE.chainCategory()).hasValue(0);
        assertThat(Tasks.UNCONDITIONAL_IMAGE.chainCategory()).hasValue(1);
        assertThat(Tasks.TEXT_TO_IMAGE.output().id()).isEqualTo("generated-image");
    }

    @Test
    void everyInputSchemaExampleIsAValidInput() {
        JsonNode t2i = TextToImageInput.TYPE.jsonSchema().get("examples").get(0);
        TextToImageInput in = TextToImageInput.TYPE.fromJson(t2i);
        assertThat(in.prompt()).startsWith("a lighthouse");
        assertThat(in.guidanceScale()).isEqualTo(7.5);
        assertThat(in.width()).isNull();
        UnconditionalImageInput u = UnconditionalImageInput.TYPE.fromJson(UnconditionalImageInput.TYPE.jsonSchema().get("examples").get(0));
        assertThat(u).isEqualTo(new UnconditionalImageInput(7L, 20));
    }

    @Test
    void textToImageReadsSnakeCaseFieldsAndTheGuidanceAlias() throws IOException {
        TextToImageInput in = TextToImageInput.TYPE.fromJson(json("""
                {"prompt": "a cat", "negative_prompt": "dog", "seed": 9223372036854775807, "steps": 30,
                 "guidance": 5, "width": 256, "height": 128}"""));
        assertThat(in).isEqualTo(new TextToImageInput("a cat", "dog", Long.MAX_VALUE, 30, 5.0, 256, 128));
        assertThat(TextToImageInput.TYPE.toJson(in).get("guidance_scale").asDouble()).isEqualTo(5.0);
        assertThat(TextToImageInput.TYPE.fromJson(TextToImageInput.TYPE.toJson(in))).isEqualTo(in);
    }

    @Test
    void hostileOrMistypedRequestsAre400sNamingTheField() {
        assertInvalid(() -> TextToImageInput.TYPE.fromJson(json("{}"))).contains("'prompt' is required");
        assertInvalid(() -> TextToImageInput.TYPE.fromJson(json("{\"prompt\": \"   \"}"))).contains("'prompt' is required");
        assertInvalid(() -> TextToImageInput.TYPE.fromJson(json("{\"prompt\": 42}"))).contains("'prompt' must be a string", "42");
        assertInvalid(() -> TextToImageInput.TYPE.fromJson(json("{\"prompt\": \"x\", \"steps\": 2.5}"))).contains("'steps' must be an integer", "2.5");
        assertInvalid(() -> TextToImageInput.TYPE.fromJson(json("{\"prompt\": \"x\", \"steps\": \"20\"}"))).contains("'steps' must be an integer");
        assertInvalid(() -> TextToImageInput.TYPE.fromJson(json("{\"prompt\": \"x\", \"steps\": 0}"))).contains("'steps' must be between 1 and 1000");
        assertInvalid(() -> TextToImageInput.TYPE.fromJson(json("{\"prompt\": \"x\", \"steps\": 100000}"))).contains("'steps'");
        assertInvalid(() -> TextToImageInput.TYPE.fromJson(json("{\"prompt\": \"x\", \"width\": 100}"))).contains("'width' must be a multiple of 8");
        assertInvalid(() -> TextToImageInput.TYPE.fromJson(json("{\"prompt\": \"x\", \"height\": 1000000}"))).contains("'height'");
        assertInvalid(() -> TextToImageInput.TYPE.fromJson(json("{\"prompt\": \"x\", \"guidance_scale\": -1}"))).contains("'guidance_scale'");
        assertInvalid(() -> TextToImageInput.TYPE.fromJson(json("{\"prompt\": \"x\", \"guidance_scale\": 1e308}"))).contains("'guidance_scale'");
        assertInvalid(() -> TextToImageInput.TYPE.fromJson(json("{\"prompt\": \"x\", \"seed\": 18446744073709551616}"))).contains("'seed'", "out of range");
        assertInvalid(() -> TextToImageInput.TYPE.fromJson(json("{\"prompt\": \"x\", \"sneaky\": 1}"))).contains("'sneaky' is not a field", "negative_prompt");
        assertInvalid(() -> TextToImageInput.TYPE.fromJson(json("[\"x\"]"))).contains("Expected a JSON object");
        assertInvalid(() -> TextToImageInput.TYPE.fromJson(null)).contains("Expected a JSON object");
        assertInvalid(() -> UnconditionalImageInput.TYPE.fromJson(json("{\"steps\": -3}"))).contains("'steps' must be between 1");
    }

    @Test
    void overlongOrControlCharacterPromptsAre400sWithoutEchoingThem() {
        String huge = "a".repeat(TextToImageInput.MAX_PROMPT_CHARS + 1);
        assertInvalid(() -> TextToImageInput.of(huge, 1)).contains("2001 characters").doesNotContain("aaaaaaaaaa");
        assertInvalid(() -> TextToImageInput.of("red\u0000fox", 1)).contains("control character", "position 3");
        assertInvalid(() -> TextToImageInput.of("broken \uD800 surrogate", 1)).contains("position 7");
        assertInvalid(() -> new TextToImageInput("ok", "bad\u001b[31m", 1L, null, null, null, null)).contains("'negative_prompt'");
        assertThat(TextToImageInput.of("two\nlines\twith tabs, émojis 🦊", 1).prompt()).contains("🦊");
    }

    @Test
    void generatedImageRoundTripsAsBase64PngWithItsSize() throws IOException {
        byte[] png = png(16, 8);
        GeneratedImage img = new GeneratedImage(png, 16, 8, -5L);
        JsonNode json = GeneratedImage.TYPE.toJson(img);
        assertThat(json.get("media_type").asText()).isEqualTo("image/png");
        assertThat(Base64.getDecoder().decode(json.get("image").asText())).isEqualTo(png);
        assertThat(json.get("seed").asLong()).isEqualTo(-5L);
        GeneratedImage back = GeneratedImage.TYPE.fromJson(json);
        assertThat(back.png()).isEqualTo(png);
        assertThat(back.width()).isEqualTo(16);
        assertThat(back.height()).isEqualTo(8);
    }

    @Test
    void generatedImageMustBeAPngOfTheStatedSize() throws IOException {
        String png = Base64.getEncoder().encodeToString(png(16, 8));
        assertInvalid(() -> GeneratedImage.TYPE.fromJson(json("{\"image\": \"" + png + "\", \"width\": 8, \"height\": 8, \"seed\": 1}")))
                .contains("must be positive and match the PNG's 16x8");
        String gif = Base64.getEncoder().encodeToString("GIF89a-not-a-png-at-all-really".getBytes());
        assertInvalid(() -> GeneratedImage.TYPE.fromJson(json("{\"image\": \"" + gif + "\", \"width\": 1, \"height\": 1, \"seed\": 1}")))
                .contains("base64 PNG");
        assertInvalid(() -> GeneratedImage.TYPE.fromJson(json("{\"image\": \"%%%\", \"width\": 1, \"height\": 1, \"seed\": 1}")))
                .contains("'image'");
    }

    private static byte[] png(int w, int h) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
