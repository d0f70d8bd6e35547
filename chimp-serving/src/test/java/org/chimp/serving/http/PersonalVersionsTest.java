package org.chimp.serving.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.serving.http.ServingApp.error;
import static org.chimp.serving.http.ServingApp.ok;
import static org.chimp.serving.http.ServingApp.png;

import com.fasterxml.jackson.databind.JsonNode;
import org.chimp.api.RunContext;
import org.chimp.api.Tasks;
import org.chimp.serving.Deployments;
import org.chimp.serving.Lease;
import org.chimp.serving.ServingFixture;
import org.chimp.tracking.registry.Stage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code ?id=<user>}: a user's newest personal version answers them; everyone else gets the stage's version. */
class PersonalVersionsTest extends ServingAppPerTest {
    private static final String TOP = "{\"inputs\": \"" + png(true) + "\"}";

    private ServingFixture f;

    @BeforeEach
    void start() {
        f = app.f;
        f.registerIn("faces", ServingFixture.upright(), Stage.PRODUCTION);
    }

    private int personal(String user, byte[] onnx) {
        int v = f.register("faces", onnx, ServingFixture.LABELS);
        f.registry.setVersionTag("faces", v, Deployments.USER_TAG, user);
        return v;
    }

    @Test
    void aUsersPersonalVersionAnswersThemAndOnlyThem() throws Exception {
        int alices = personal("alice", ServingFixture.flipped());
        JsonNode forAlice = ok(app.send("POST", "/model/faces/infer?id=alice", TOP));
        assertThat(forAlice.path("predicted_labels").get(0).asText()).isEqualTo("bottom"); // the flipped model answered
        assertThat(forAlice.path("metadata").path("personal").asBoolean()).isTrue();
        assertThat(forAlice.path("metadata").path("version").asInt()).isEqualTo(alices);

        JsonNode forBob = ok(app.send("POST", "/model/faces/infer?id=bob", TOP));
        assertThat(forBob.path("predicted_labels").get(0).asText()).isEqualTo("top");
        assertThat(forBob.path("metadata").path("personal").asBoolean()).isFalse();
        assertThat(forBob.path("metadata").path("version").asInt()).isEqualTo(1);
        JsonNode anonymous = ok(app.send("POST", "/model/faces/infer", TOP));
        assertThat(anonymous.path("metadata").path("personal").asBoolean()).isFalse();

        // A newer calibration replaces the older one for her.
        int newer = personal("alice", ServingFixture.upright());
        assertThat(ok(app.send("POST", "/model/faces/infer?id=alice", TOP)).path("metadata").path("version").asInt()).isEqualTo(newer);
        // Deleting it falls back to the one before, and unloads it.
        f.registry.deleteVersion("faces", newer);
        assertThat(f.deployments.loadedPersonal()).doesNotContain("faces/" + newer);
        assertThat(ok(app.send("POST", "/model/faces/infer?id=alice", TOP)).path("metadata").path("version").asInt()).isEqualTo(alices);
    }

    @Test
    void hostileIdsAre400sAndUnknownModels404s() throws Exception {
        personal("alice", ServingFixture.flipped());
        for (String id : new String[] {"", "..%2Fetc", "a%20b", "x".repeat(300), "%00", "alice%0A"}) {
            String message = error(app.send("POST", "/model/faces/infer?id=" + id, TOP), 400, null);
            assertThat(message).startsWith("Query parameter 'id':").doesNotContain("/work/");
        }
        error(app.send("POST", "/model/nobody/infer?id=alice", TOP), 404, "no registered model 'nobody'");
        assertThat(f.deployments.loadedPersonal()).isEmpty();
    }

    @Test
    void personalVersionsBeyondTheBudgetAreUnloadedLeastRecentlyUsedFirst() {
        try (Deployments d = new Deployments(f.registry, f.artifacts, org.chimp.api.Architectures.load(), 2)) {
            int a = personal("alice", ServingFixture.flipped());
            int b = personal("bob", ServingFixture.flipped());
            int c = personal("carol", ServingFixture.upright());
            d.get("faces", Stage.PRODUCTION, "alice").close();
            Lease bobs = d.get("faces", Stage.PRODUCTION, "bob");
            d.get("faces", Stage.PRODUCTION, "alice").close(); // alice is now the most recently used
            d.get("faces", Stage.PRODUCTION, "carol").close();
            assertThat(d.loadedPersonal()).containsExactly("faces/" + a, "faces/" + c);
            // Bob's request still running keeps its model until it is done.
            assertThat(bobs.model(Tasks.IMAGE_CLASSIFICATION).run(DeploymentsTestImages.TOP, RunContext.defaults()).bestLabel()).isEqualTo("bottom");
            bobs.close();
            assertThat(bobs.version().version()).isEqualTo(b);
            // Bob asking again loads it again.
            try (Lease again = d.get("faces", Stage.PRODUCTION, "bob")) {
                assertThat(again.personal()).isTrue();
            }
            assertThat(d.loadedPersonal()).containsExactly("faces/" + c, "faces/" + b);
        }
    }

    /** The 2x2 image with a bright top row. */
    private static final class DeploymentsTestImages {
        static final org.chimp.api.image.Image TOP = new org.chimp.api.image.Image(2, 2, 1, new float[] {1, 1, 0, 0});
    }
}
