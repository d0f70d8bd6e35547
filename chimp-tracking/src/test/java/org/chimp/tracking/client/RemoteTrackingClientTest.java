package org.chimp.tracking.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.chimp.http.Json;
import org.junit.jupiter.api.Test;

class RemoteTrackingClientTest extends TrackingClientContract {
    @Override
    TrackingClient client(TrackingServer server) {
        return new RemoteTrackingClient(server.uri(), TrackingServer.TOKEN);
    }

    @Test
    void aWrongTokenIsUnauthenticated() {
        TrackingClient intruder = new RemoteTrackingClient(server.uri(), "not-the-token-at-all");
        assertThatThrownBy(() -> intruder.getOrCreateExperiment("faces")).isInstanceOfSatisfying(TrackingClientException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.errorCode()).isEqualTo(TrackingClientException.UNAUTHENTICATED);
        });
    }

    @Test
    void registeringAMissingArtifactIs404AndCreatesNoVersion() throws Exception {
        RunHandle run = client.startRun("faces", null, Map.of());
        String body = """
                {"name": "faces", "run_id": "%s", "task": "t", "architecture": "a", "artifacts": {"weights": "model/absent.onnx"}}"""
                .formatted(run.id());
        HttpResponse<byte[]> r = server.send(ChimpPaths.REGISTER_MODEL, HttpRequest.newBuilder()
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(404);
        assertThat(Json.MAPPER.readTree(r.body()).get("message").asText()).contains("model/absent.onnx");
        assertThat(server.registry.names()).isEmpty();

        HttpResponse<byte[]> noTask = server.send(ChimpPaths.REGISTER_MODEL, HttpRequest.newBuilder()
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"faces\"}")));
        assertThat(noTask.statusCode()).isEqualTo(400);
    }

    @Test
    void rollbackRefusesBadBodiesAndModelsWithoutAnEarlierProductionVersion() throws Exception {
        for (String body : new String[] {"{}", "[]", "{\"name\": 3}", "{\"name\": \"a/b\"}", "{\"name\": \"" + "x".repeat(300) + "\"}"}) {
            HttpResponse<byte[]> r = server.send(ChimpPaths.ROLLBACK, HttpRequest.newBuilder()
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
            assertThat(r.statusCode()).as(body).isEqualTo(400);
        }
        HttpResponse<byte[]> unknown = server.send(ChimpPaths.ROLLBACK, HttpRequest.newBuilder()
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"faces\"}")));
        assertThat(unknown.statusCode()).isEqualTo(404);
        client.storeModel("faces", new ModelSpec("image-classification", "onnx-classifier", null,
                Map.of("weights", java.nio.file.Files.writeString(tmp.resolve("w.onnx"), "w"))), "faces", Map.of(), Map.of(), Map.of());
        client.transitionStage("faces", 1, org.chimp.tracking.registry.Stage.PRODUCTION, true);
        HttpResponse<byte[]> first = server.send(ChimpPaths.ROLLBACK, HttpRequest.newBuilder()
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"faces\"}")));
        assertThat(first.statusCode()).isEqualTo(409);
        assertThat(Json.MAPPER.readTree(first.body()).get("message").asText()).contains("first version it had in Production");
        assertThat(server.registry.version("faces", 1).stage()).isEqualTo(org.chimp.tracking.registry.Stage.PRODUCTION);
        HttpResponse<byte[]> anonymous = server.send(ChimpPaths.ROLLBACK, HttpRequest.newBuilder()
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"faces\"}")), false);
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }
}
