package org.chimp.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.serving.http.ServingApp.error;
import static org.chimp.serving.http.ServingApp.ok;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.chimp.api.ModelConfig;
import org.chimp.api.Tasks;
import org.chimp.api.generation.Generation;
import org.chimp.http.Json;
import org.chimp.models.embedding.tiny.TinyEmbedders;
import org.chimp.models.generation.tiny.TinyTextGenerator;
import org.junit.jupiter.api.Test;

/** Token streaming over Server-Sent Events: {@code POST /model/{name}/generate}, over real HTTP. */
class TextStreamingTest extends ServingAppPerTest {
    private static final String REQUEST = "{\"inputs\": {\"prompt\": \"hello the\", \"max_tokens\": 8, \"temperature\": 0.9, \"seed\": 5}}";

    @Test
    void streamsTheTokensThenTheInferAnswer() throws Exception {
        app.f.registerProduction("gen", TinyTextGenerator.config(Map.of()), TinyTextGenerator.files(3));
        HttpResponse<java.util.stream.Stream<String>> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + app.port() + "/model/gen/generate"))
                .header("Accept", "text/event-stream").POST(HttpRequest.BodyPublishers.ofString(REQUEST)).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        List<String> lines = r.body().filter(l -> !l.isEmpty()).toList();
        StringBuilder streamed = new StringBuilder();
        for (String line : lines.subList(0, lines.size() - 2)) {
            assertThat(line).startsWith("data: ");
            streamed.append(Json.MAPPER.readTree(line.substring(6)).path("token").asText());
        }
        assertThat(lines.get(lines.size() - 2)).isEqualTo("event: done");
        JsonNode done = Json.MAPPER.readTree(lines.get(lines.size() - 1).substring(6));
        JsonNode infer = ok(app.send("POST", "/model/gen/infer", REQUEST));
        assertThat(done.path("predictions")).isEqualTo(infer.path("predictions"));
        assertThat(done.path("metadata").path("task").asText()).isEqualTo("text-generation");
        assertThat(streamed.toString()).isEqualTo(infer.path("predictions").path("text").asText());
    }

    @Test
    void mistakesBeforeTheFirstTokenAreJson4xx() throws Exception {
        app.f.registerProduction("gen", TinyTextGenerator.config(Map.of()), TinyTextGenerator.files(3));
        app.f.registerProduction("emb", TinyEmbedders.sentenceEmbedderConfig(Map.of()), TinyEmbedders.sentenceEmbedder(1));
        assertThat(error(app.send("POST", "/model/gen/generate", "{\"inputs\": {\"prompt\": \"x\", \"top_p\": 7}}"), 400, null))
                .contains("'top_p'");
        assertThat(error(app.send("POST", "/model/gen/generate", "{\"inputs\": [\"a\", \"b\"]}"), 400, null)).contains("one generation per stream");
        assertThat(error(app.send("POST", "/model/emb/generate", REQUEST), 400, null)).contains("of task 'text-embedding'");
        error(app.send("POST", "/model/nope/generate", REQUEST), 404, null);
    }

    @Test
    void aClientThatGoesAwayCancelsTheGeneration() throws Exception {
        SlowStreamerArchitecture.stopped = new CompletableFuture<>();
        app.f.registerProduction("slow", new ModelConfig(Tasks.TEXT_GENERATION.id(), "test-slow-streamer", Map.of(),
                Json.MAPPER.createObjectNode()), Map.of());
        byte[] body = REQUEST.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", app.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /model/slow/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            List<String> events = new ArrayList<>();
            for (String line = in.readLine(); line != null && events.size() < 3; line = in.readLine()) {
                if (line.contains("data: ")) {
                    events.add(line);
                }
            }
            assertThat(events).hasSize(3).allSatisfy(e -> assertThat(e).contains("{\"token\":\"tick \"}"));
        }
        // Without the cancel, the generator would run its whole safety bound (about 40 s).
        assertThat(SlowStreamerArchitecture.stopped.get(30, TimeUnit.SECONDS)).isEqualTo(Generation.FinishReason.CANCELLED);
    }
}
