package org.chimp.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.serving.http.ServingApp.error;
import static org.chimp.serving.http.ServingApp.ok;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.Map;
import org.chimp.models.diffusion.tiny.TinyDiffusion;
import org.chimp.models.embedding.tiny.TinyEmbedders;
import org.chimp.models.generation.tiny.TinyTextGenerator;
import org.junit.jupiter.api.Test;

/**
 * Every task with a working architecture answers over real HTTP through both inference endpoints, with no serving
 * code of its own: the task's data types read and write the JSON and the Open Inference Protocol tensors, and
 * seeded runs give the same bytes on either endpoint.
 */
class TaskServingTest extends ServingAppPerTest {
    @Test
    void textEmbeddingAnswersJsonVectorsAndFp32Tensors() throws Exception {
        app.f.registerProduction("emb", TinyEmbedders.sentenceEmbedderConfig(Map.of()), TinyEmbedders.sentenceEmbedder(1));
        JsonNode json = ok(app.send("POST", "/model/emb/infer", "{\"inputs\": [\"a red cat\", \"blue sky\"]}"));
        JsonNode rows = json.path("predictions").path("embeddings");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).hasSize(TinyEmbedders.TEXT_DIMENSION);

        JsonNode oip = ok(app.send("POST", "/v2/models/emb/infer", """
                {"inputs": [{"name": "text", "shape": [2], "datatype": "BYTES", "data": ["a red cat", "blue sky"]}]}"""));
        JsonNode out = oip.path("outputs").get(0);
        assertThat(out.path("datatype").asText()).isEqualTo("FP32");
        assertThat(out.path("shape").toString()).isEqualTo("[2," + TinyEmbedders.TEXT_DIMENSION + "]");
        assertThat(out.path("data").get(TinyEmbedders.TEXT_DIMENSION).floatValue()).isEqualTo(rows.get(1).get(0).floatValue());

        assertThat(error(app.send("POST", "/v2/models/emb/infer", """
                {"inputs": [{"name": "text", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]}]}"""), 400, null))
                .contains("BYTES with shape [N]");
    }

    @Test
    void textImageEmbeddingAnswersSimilaritiesAndTensorsOfEitherKind() throws Exception {
        app.f.registerProduction("clip", TinyEmbedders.clipConfig(Map.of()), TinyEmbedders.clip(2));
        String png = ServingApp.png(true);
        JsonNode json = ok(app.send("POST", "/model/clip/infer",
                "{\"inputs\": {\"texts\": [\"red\", \"blue sky\"], \"images\": [\"" + png + "\"]}}"));
        assertThat(json.path("predictions").path("similarities").get(0)).hasSize(2);

        JsonNode texts = ok(app.send("POST", "/v2/models/clip/infer", """
                {"inputs": [{"name": "texts", "shape": [2], "datatype": "BYTES", "data": ["red", "blue sky"]}]}"""));
        assertThat(texts.path("outputs").get(0).path("shape").toString()).isEqualTo("[2,3]");
        JsonNode images = ok(app.send("POST", "/v2/models/clip/infer",
                "{\"inputs\": [{\"name\": \"images\", \"shape\": [1], \"datatype\": \"BYTES\", \"data\": [\"" + png + "\"]}]}"));
        JsonNode vector = images.path("outputs").get(0).path("data");
        assertThat(vector.toString()).isEqualTo(json.path("predictions").path("image_embeddings").get(0).toString());
    }

    @Test
    void textGenerationIsTheSameTextForTheSameSeedOnBothEndpoints() throws Exception {
        app.f.registerProduction("gen", TinyTextGenerator.config(Map.of()), TinyTextGenerator.files(3));
        String request = "{\"inputs\": {\"prompt\": \"hello the\", \"max_tokens\": 8, \"temperature\": 0.9, \"top_p\": 0.95, \"seed\": 5}}";
        JsonNode first = ok(app.send("POST", "/model/gen/infer", request)).path("predictions");
        JsonNode again = ok(app.send("POST", "/model/gen/infer", request)).path("predictions");
        assertThat(again).isEqualTo(first);
        assertThat(first.path("tokens").asInt()).isPositive();

        JsonNode oip = ok(app.send("POST", "/v2/models/gen/infer", """
                {"parameters": {"temperature": 0.9, "top_p": 0.95, "seed": 5},
                 "inputs": [{"name": "prompt", "shape": [1], "datatype": "BYTES", "data": ["hello the"],
                             "parameters": {"max_tokens": 8}}]}"""));
        JsonNode out = oip.path("outputs").get(0);
        assertThat(out.path("datatype").asText()).isEqualTo("BYTES");
        assertThat(out.path("data").get(0).asText()).isEqualTo(first.path("text").asText());

        JsonNode meta = ok(app.send("GET", "/v2/models/gen", null));
        assertThat(meta.path("inputs").toString()).isEqualTo("[{\"name\":\"prompt\",\"datatype\":\"BYTES\",\"shape\":[-1]}]");
        assertThat(meta.path("outputs").toString()).isEqualTo("[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[-1]}]");

        assertThat(error(app.send("POST", "/v2/models/gen/infer", """
                {"parameters": {"temprature": 0.9},
                 "inputs": [{"name": "prompt", "shape": [1], "datatype": "BYTES", "data": ["hello"]}]}"""), 400, null))
                .contains("unknown parameter \"temprature\"");
        assertThat(error(app.send("POST", "/model/gen/infer", "{\"inputs\": {\"prompt\": \"hi\", \"max_tokens\": 0}}"), 400, null))
                .contains("'max_tokens' must be from 1");
    }

    @Test
    void textToImageIsTheSamePngForTheSameSeedOnBothEndpoints() throws Exception {
        app.f.registerProduction("t2i", TinyDiffusion.textToImageConfig(Map.of()), TinyDiffusion.textToImage(4));
        String request = "{\"inputs\": {\"prompt\": \"a red fox\", \"seed\": 42, \"steps\": 2}}";
        JsonNode first = ok(app.send("POST", "/model/t2i/infer", request)).path("predictions");
        assertThat(ok(app.send("POST", "/model/t2i/infer", request)).path("predictions")).isEqualTo(first);
        byte[] png = Base64.getDecoder().decode(first.path("image").asText());
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');

        JsonNode oip = ok(app.send("POST", "/v2/models/t2i/infer", """
                {"inputs": [{"name": "prompt", "shape": [1], "datatype": "BYTES", "data": ["a red fox"],
                             "parameters": {"seed": 42, "steps": 2}}]}"""));
        JsonNode out = oip.path("outputs").get(0);
        assertThat(out.path("name").asText()).isEqualTo("image");
        assertThat(out.path("datatype").asText()).isEqualTo("BYTES");
        assertThat(Base64.getDecoder().decode(out.path("data").get(0).asText())).isEqualTo(png);

        assertThat(error(app.send("POST", "/v2/models/t2i/infer", """
                {"inputs": [{"name": "prompt", "shape": [1], "datatype": "BYTES", "data": ["x"], "parameters": {"steps": 100000}}]}"""),
                400, null)).contains("'steps'");
    }

    @Test
    void unconditionalImageIsTheSamePngForTheSameSeedOnBothEndpoints() throws Exception {
        app.f.registerProduction("unc", TinyDiffusion.unconditionalConfig(Map.of()), TinyDiffusion.unconditional(5));
        JsonNode first = ok(app.send("POST", "/model/unc/infer", "{\"inputs\": {\"seed\": 7, \"steps\": 2}}")).path("predictions");
        JsonNode oip = ok(app.send("POST", "/v2/models/unc/infer", """
                {"inputs": [{"name": "seed", "shape": [2], "datatype": "INT64", "data": [7, 8], "parameters": {"steps": 2}}]}"""));
        assertThat(ok(app.send("GET", "/v2/models/unc", null)).path("inputs").get(0).path("datatype").asText()).isEqualTo("INT64");
        JsonNode data = oip.path("outputs").get(0).path("data");
        assertThat(data).hasSize(2);
        assertThat(data.get(0).asText()).isEqualTo(first.path("image").asText());
        assertThat(data.get(1).asText()).isNotEqualTo(first.path("image").asText());
        assertThat(error(app.send("POST", "/v2/models/unc/infer", """
                {"inputs": [{"name": "seed", "shape": [1], "datatype": "BYTES", "data": ["7"]}]}"""), 400, null)).contains("INT64");
    }
}
