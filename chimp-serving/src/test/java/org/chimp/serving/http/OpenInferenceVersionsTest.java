package org.chimp.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.serving.http.ServingApp.error;
import static org.chimp.serving.http.ServingApp.ok;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.chimp.http.Json;
import org.chimp.serving.ServingFixture;
import org.chimp.tracking.registry.Stage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Open Inference Protocol's server metadata, version-pinned routes, outputs, parameters and id. */
class OpenInferenceVersionsTest extends ServingAppPerTest {
    private static final String TOP = """
            {"id": "req-7", "parameters": {"priority": 1}, "inputs": [{"name": "features", "shape": [1, 4],
             "datatype": "FP32", "data": [1, 1, 0, 0]}]}""";

    private int v1;
    private int v2;

    @BeforeEach
    void start() {
        v1 = app.f.registerIn("faces", ServingFixture.upright(), Stage.PRODUCTION);
        v2 = app.f.register("faces", ServingFixture.flipped(), ServingFixture.LABELS);
    }

    @Test
    void serverMetadataNamesTheServer() throws Exception {
        JsonNode meta = ok(app.send("GET", "/v2", null));
        assertThat(meta.path("name").asText()).isEqualTo("chimp");
        assertThat(meta.path("version").asText()).isNotBlank();
        assertThat(meta.path("extensions").isArray()).isTrue();
    }

    @Test
    void versionRoutesAnswerWithThatVersionWhateverItsStage() throws Exception {
        JsonNode meta = ok(app.send("GET", "/v2/models/faces/versions/" + v2, null));
        assertThat(meta.path("versions").toString()).isEqualTo("[\"" + v2 + "\"]");
        assertThat(ok(app.send("GET", "/v2/models/faces/versions/" + v2 + "/ready", null)).path("ready").asBoolean()).isTrue();
        JsonNode pinned = ok(app.send("POST", "/v2/models/faces/versions/" + v2 + "/infer", TOP));
        assertThat(pinned.path("model_version").asText()).isEqualTo(Integer.toString(v2));
        assertThat(pinned.path("id").asText()).isEqualTo("req-7");
        JsonNode production = ok(app.send("POST", "/v2/models/faces/infer", TOP));
        assertThat(production.path("model_version").asText()).isEqualTo(Integer.toString(v1));
        // The flipped version 2 calls a bright top row "bottom": its scores are the other way round.
        double topV1 = production.path("outputs").get(0).path("data").get(0).asDouble();
        double topV2 = pinned.path("outputs").get(0).path("data").get(0).asDouble();
        assertThat(topV1).isGreaterThan(0.5);
        assertThat(topV2).isLessThan(0.5);

        JsonNode chimp = ok(app.send("POST", "/model/faces/infer?version=" + v2, "{\"inputs\": [[255, 255], [0, 0]]}"));
        assertThat(chimp.path("metadata").path("version").asInt()).isEqualTo(v2);
        assertThat(chimp.path("predicted_labels").get(0).asText()).isEqualTo("bottom");
    }

    @Test
    void badAndUnknownVersionsAreRefused() throws Exception {
        error(app.send("GET", "/v2/models/faces/versions/0", null), 400, null);
        error(app.send("POST", "/v2/models/faces/versions/x%0A/infer", TOP), 400, null);
        error(app.send("GET", "/v2/models/faces/versions/99/ready", null), 404, null);
        error(app.send("POST", "/model/faces/infer?version=-1", "{\"inputs\": [[1, 1], [0, 0]]}"), 400, null);
        assertThat(error(app.send("POST", "/model/faces/infer?version=1&stage=staging", "{\"inputs\": [[1, 1], [0, 0]]}"), 400, null))
                .contains("leave out 'stage' and 'id'");
    }

    @Test
    void outputsSelectionAndParametersAreChecked() throws Exception {
        String known = TOP.replace("\"inputs\"", "\"outputs\": [{\"name\": \"probabilities\"}], \"inputs\"");
        assertThat(ok(app.send("POST", "/v2/models/faces/infer", known)).path("outputs").get(0).path("name").asText())
                .isEqualTo("probabilities");
        String unknown = TOP.replace("\"inputs\"", "\"outputs\": [{\"name\": \"logits\"}], \"inputs\"");
        assertThat(error(app.send("POST", "/v2/models/faces/infer", unknown), 400, null)).contains("Unknown output \"logits\"");
        String notList = TOP.replace("\"inputs\"", "\"outputs\": \"all\", \"inputs\"");
        error(app.send("POST", "/v2/models/faces/infer", notList), 400, null);
        String badParameters = TOP.replace("{\"priority\": 1}", "[1]");
        assertThat(error(app.send("POST", "/v2/models/faces/infer", badParameters), 400, null)).contains("'parameters' must be an object");
    }

    @Test
    void modelReadinessIsFalseUntilTheProductionVersionIsLoaded() throws Exception {
        HttpResponse<String> first = app.send("GET", "/v2/models/faces/ready", null);
        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(Json.MAPPER.readTree(first.body()).path("message").asText()).contains("loading");
        app.f.settle();
        assertThat(ok(app.send("GET", "/v2/models/faces/ready", null)).path("ready").asBoolean()).isTrue();
    }

    @Test
    void aUsersPersonalVersionAnswersOnV2WithId() throws Exception {
        app.f.registry.setVersionTag("faces", v2, org.chimp.serving.Deployments.USER_TAG, "alice");
        assertThat(ok(app.send("POST", "/v2/models/faces/infer?id=alice", TOP)).path("model_version").asText())
                .isEqualTo(Integer.toString(v2));
        assertThat(ok(app.send("POST", "/v2/models/faces/infer?id=bob", TOP)).path("model_version").asText())
                .isEqualTo(Integer.toString(v1));
        error(app.send("POST", "/v2/models/faces/infer?id=%00", TOP), 400, null);
    }

    @Test
    void oipRoutesGetOipErrorBodies() {
        OipErrorFormat format = new OipErrorFormat();
        assertThat(format.appliesTo("/v2")).isTrue();
        assertThat(format.appliesTo("/v2/models/x/infer")).isTrue();
        assertThat(format.appliesTo("/v2x")).isFalse();
        assertThat(format.appliesTo("/model/x/infer")).isFalse();
        assertThat(Json.MAPPER.valueToTree(format.body(400, "bad")).toString()).isEqualTo("{\"error\":\"bad\"}");
    }
}
