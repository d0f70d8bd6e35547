package org.chimp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.api.error.ClientErrors.assertClientError;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.chimp.api.embedding.Embeddings;
import org.chimp.api.embedding.JointEmbeddings;
import org.chimp.api.embedding.TextsAndImages;
import org.chimp.api.generation.Generation;
import org.chimp.api.generation.GenerationRequest;
import org.chimp.api.generation.image.GeneratedImage;
import org.chimp.api.generation.image.TextToImageInput;
import org.chimp.api.generation.image.UnconditionalImageInput;
import org.chimp.api.tensor.Tensor;
import org.chimp.api.text.Texts;
import org.junit.jupiter.api.Test;

/** The Open Inference Protocol tensor forms and on-chain byte forms of the text and generation tasks. */
class TaskWireFormsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static Tensor tensor(String json) throws IOException {
        return Tensor.parse(MAPPER.readTree(json), 64);
    }

    @Test
    void textEmbeddingTakesBytesTextsAndAnswersFp32Rows() throws IOException {
        List<Texts> texts = Tasks.TEXT_EMBEDDING.input().fromTensor(tensor("""
            {"name": "text", "shape": [2], "datatype": "BYTES", "data": ["a red cat", "blue sky"]}"""));
        assertThat(texts).extracting(Texts::values).containsExactly(List.of("a red cat"), List.of("blue sky"));
        Tensor out = Tasks.TEXT_EMBEDDING.output().toTensor("embeddings", List.of(
                new Embeddings(List.of(new float[] {1, 0, 0})), new Embeddings(List.of(new float[] {0, 1, 0}))));
        assertThat(out.shape()).containsExactly(2, 3);
        assertThat(out.datatype()).isEqualTo("FP32");
        assertThat(out.data().json().toString()).isEqualTo("[1.0,0.0,0.0,0.0,1.0,0.0]");
        assertThat(MAPPER.valueToTree(out).has("parameters")).as("output tensors carry no empty parameters").isFalse();
    }

    @Test
    void textTensorsThatDoNotFitSayWhatToSend() {
        assertInvalid(() -> Tasks.TEXT_EMBEDDING.input().fromTensor(tensor("""
            {"name": "text", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]}"""))).contains("BYTES with shape [N]");
        assertInvalid(() -> Tasks.TEXT_EMBEDDING.input().fromTensor(tensor("""
            {"name": "text", "shape": [1], "datatype": "BYTES", "data": [42]}"""))).contains("must be a string");
        assertInvalid(() -> Tasks.TEXT_EMBEDDING.input().fromTensor(tensor("""
            {"name": "text", "shape": [2], "datatype": "BYTES", "data": ["only one"]}"""))).contains("needs 2 values");
        String huge = "x".repeat(20_001);
        assertClientError(413, () -> Tasks.TEXT_EMBEDDING.input().fromTensor(tensor(
                "{\"name\": \"t\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\"" + huge + "\"]}"))).contains("at most 20000");
    }

    @Test
    void generationTakesPromptsWithParametersFromTheTensorOverTheRequest() throws IOException {
        Tensor t = tensor("""
            {"name": "prompt", "shape": [1], "datatype": "BYTES", "data": ["Once"],
             "parameters": {"max_tokens": 5, "binary_data_size": 4}}""")
                .withRequestParameters(MAPPER.readTree("{\"max_tokens\": 9, \"temperature\": 0, \"seed\": 3}"));
        GenerationRequest r = Tasks.TEXT_GENERATION.input().fromTensor(t).get(0);
        assertThat(r).isEqualTo(new GenerationRequest("Once", 5, 0, 1, 3L));
        assertInvalid(() -> Tasks.TEXT_GENERATION.input().fromTensor(tensor("""
            {"name": "prompt", "shape": [1], "datatype": "BYTES", "data": ["x"], "parameters": {"max_tokns": 5}}""")))
                .contains("unknown parameter \"max_tokns\"", "max_tokens", "top_p");
        assertInvalid(() -> Tasks.TEXT_GENERATION.input().fromTensor(tensor("""
            {"name": "prompt", "shape": [1], "datatype": "BYTES", "data": ["x"], "parameters": {"max_tokens": 99999}}""")))
                .contains("'max_tokens' must be from 1 to 2048");
        assertInvalid(() -> tensor("""
            {"name": "prompt", "shape": [1], "datatype": "BYTES", "data": ["x"], "parameters": [1]}""")).contains("must be a JSON object");
        Tensor out = Tasks.TEXT_GENERATION.output().toTensor("text", List.of(new Generation("and then", 2, Generation.FinishReason.LENGTH)));
        assertThat(out.datatype()).isEqualTo("BYTES");
        assertThat(out.data().json().get(0).asText()).isEqualTo("and then");
    }

    @Test
    void generationBytesAreAPromptOrAJsonRequest() {
        assertThat(Tasks.TEXT_GENERATION.input().fromBytes("Hi there".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(GenerationRequest.of("Hi there"));
        assertThat(Tasks.TEXT_GENERATION.input().fromBytes("{\"prompt\": \"Hi\", \"max_tokens\": 3, \"seed\": 1}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new GenerationRequest("Hi", 3, 1, 1, 1L));
        assertInvalid(() -> Tasks.TEXT_GENERATION.input().fromBytes(new byte[] {(byte) 0xC3, 0x28})).contains("not valid UTF-8");
        assertInvalid(() -> Tasks.TEXT_GENERATION.input().fromBytes("{\"prompt\": ".getBytes(StandardCharsets.UTF_8))).contains("not valid JSON");
        assertThat(Tasks.TEXT_GENERATION.output().toBytes(new Generation("é", 1, Generation.FinishReason.EOS)))
                .isEqualTo("é".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void textImageEmbeddingTakesTextsOrImagesByTensorName() throws IOException {
        List<TextsAndImages> texts = Tasks.TEXT_IMAGE_EMBEDDING.input().fromTensor(tensor("""
            {"name": "texts", "shape": [2], "datatype": "BYTES", "data": ["red", "green"]}"""));
        assertThat(texts).singleElement().extracting(TextsAndImages::texts).isEqualTo(List.of("red", "green"));
        List<TextsAndImages> images = Tasks.TEXT_IMAGE_EMBEDDING.input().fromTensor(tensor("""
            {"name": "images", "shape": [1, 2, 2], "datatype": "UINT8", "data": [0, 255, 0, 255]}"""));
        assertThat(images.get(0).images()).hasSize(1);
        assertThat(images.get(0).texts()).isEmpty();
        Tensor out = Tasks.TEXT_IMAGE_EMBEDDING.output().toTensor("embeddings", List.of(new JointEmbeddings(
                new Embeddings(List.of(new float[] {1, 0}, new float[] {0, 1})), new Embeddings(List.of()))));
        assertThat(out.shape()).containsExactly(2, 2);
    }

    @Test
    void textToImageTakesPromptsWithSettingsAndBytes() throws IOException {
        List<TextToImageInput> in = TextToImageInput.TYPE.fromTensor(tensor("""
            {"name": "prompt", "shape": [1], "datatype": "BYTES", "data": ["a red fox"],
             "parameters": {"seed": 42, "steps": 3, "width": 32, "height": 32}}"""));
        assertThat(in).containsExactly(new TextToImageInput("a red fox", null, 42L, 3, null, 32, 32));
        assertInvalid(() -> TextToImageInput.TYPE.fromTensor(tensor("""
            {"name": "prompt", "shape": [1], "datatype": "BYTES", "data": ["x"], "parameters": {"steps": "many"}}""")))
                .contains("'steps' must be an integer");
        assertThat(TextToImageInput.TYPE.fromBytes("a cat".getBytes(StandardCharsets.UTF_8)).prompt()).isEqualTo("a cat");
        assertThat(TextToImageInput.TYPE.fromBytes("{\"prompt\": \"a cat\", \"seed\": 9}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(TextToImageInput.of("a cat", 9));
        assertClientError(413, () -> TextToImageInput.TYPE.fromBytes(new byte[100_000])).contains("at most 2000 characters");
    }

    @Test
    void unconditionalImageTakesInt64SeedsAndJsonBytes() throws IOException {
        List<UnconditionalImageInput> in = UnconditionalImageInput.TYPE.fromTensor(tensor("""
            {"name": "seed", "shape": [2], "datatype": "INT64", "data": [7, -9007199254740993], "parameters": {"steps": 2}}"""));
        assertThat(in).containsExactly(new UnconditionalImageInput(7L, 2), new UnconditionalImageInput(-9007199254740993L, 2));
        assertInvalid(() -> UnconditionalImageInput.TYPE.fromTensor(tensor("""
            {"name": "seed", "shape": [1], "datatype": "BYTES", "data": ["7"]}"""))).contains("INT64");
        assertThat(UnconditionalImageInput.TYPE.fromBytes(new byte[0])).isEqualTo(new UnconditionalImageInput(null, null));
        assertThat(UnconditionalImageInput.TYPE.fromBytes("{\"seed\": 5}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new UnconditionalImageInput(5L, null));
        assertInvalid(() -> UnconditionalImageInput.TYPE.fromBytes("{\"prompt\": \"x\"}".getBytes(StandardCharsets.UTF_8)))
                .contains("'prompt' is not a field");
    }

    @Test
    void generatedImagesAreBase64PngsInTensorsAndPngBytesOnChain() throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(8, 4, BufferedImage.TYPE_INT_RGB), "png", png);
        GeneratedImage image = new GeneratedImage(png.toByteArray(), 8, 4, 1);
        Tensor out = GeneratedImage.TYPE.toTensor("image", List.of(image));
        assertThat(out.shape()).containsExactly(1);
        JsonNode value = out.data().json().get(0);
        assertThat(Base64.getDecoder().decode(value.asText())).isEqualTo(png.toByteArray());
        assertThat(GeneratedImage.TYPE.toBytes(image)).isEqualTo(png.toByteArray());
    }
}
