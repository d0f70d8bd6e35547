package org.chimp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.chimp.server.node.Role;
import org.chimp.training.sample.SyntheticFaces;
import org.chimp.web.http.Access;
import org.chimp.web.http.AccessRule;
import org.chimp.web.identity.Identity;
import org.chimp.web.identity.User;
import org.chimp.web.identity.UserRole;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every registered route of a whole standalone node, called over real HTTP without credentials, with a user's
 * API token, with an admin user's API token and with the admin token: 401, 403 or through, as the access table
 * says; and the table says what the issue asks for the routes that matter.
 */
class AccessMatrixTest extends NodePerClass {
    private static final String ADMIN_TOKEN = "access-matrix-admin-token-0123456789";
    private String adminUserToken;

    AccessMatrixTest() {
        super(ADMIN_TOKEN);
    }

    @BeforeAll
    void addAdminUser() {
        adminUserToken = StandaloneFixture.userToken(node, "root", UserRole.ADMIN);
    }

    private HttpResponse<String> call(String method, String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, method.equals("GET") || method.equals("DELETE")
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"));
        if (!method.equals("GET") && !method.equals("DELETE")) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A route as a URL: each path parameter filled with a harmless value. */
    private static String concrete(String route) {
        return route.replaceAll("\\{[^}]*}", "x").replaceAll("<[^>]*>", "x/y");
    }

    @Test
    void everyRegisteredRouteIsInTheTable() {
        List<String> endpoints = node.endpoints(Role.TRAINING);
        assertThat(endpoints).hasSizeGreaterThan(100);
        List<String> missing = endpoints.stream().filter(e -> {
            String[] mp = e.split(" ", 2);
            return !node.access().lists(mp[0], mp[1]);
        }).toList();
        assertThat(missing).as("routes with no line in AccessTable (they are admin-only until they get one)").isEmpty();
    }

    @Test
    void everyRouteAnswersEachCallerAsTheTableSays() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (String e : node.endpoints(Role.TRAINING)) {
            String[] mp = e.split(" ", 2);
            String method = mp[0];
            String path = concrete(mp[1]);
            AccessRule rule = node.access().ruleFor(method, mp[1]);
            int anonymous = call(method, path, null).statusCode();
            int user = call(method, path, userToken).statusCode();
            int adminUser = call(method, path, adminUserToken).statusCode();
            int admin = call(method, path, ADMIN_TOKEN).statusCode();
            boolean ok = switch (rule.access()) {
                // The login form's own CSRF check answers 403 to a post without the form's value: not an access refusal.
                case PUBLIC -> anonymous != 401 && anonymous < 500 && user < 500 && admin < 500;
                case USER -> anonymous == 401 && passes(user) && passes(adminUser) && passes(admin);
                case ADMIN -> anonymous == 401 && user == 403 && passes(adminUser) && passes(admin);
            };
            if (!ok) {
                wrong.add(e + " (" + rule.access() + "): anonymous " + anonymous + ", user " + user + ", admin user "
                        + adminUser + ", admin token " + admin);
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aUserRunsCalibrationForThemselfOnly() throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/tasks/run/emotion-calibration"))
                .header("Authorization", "Bearer " + userToken).header("Content-Type", "application/x-www-form-urlencoded");
        int forHerself = http.send(b.copy().POST(HttpRequest.BodyPublishers.ofString("user=alice&datasets=%7B%7D")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
        int forBob = http.send(b.copy().POST(HttpRequest.BodyPublishers.ofString("user=bob&datasets=%7B%7D")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
        int otherPlugin = http.send(HttpRequest.newBuilder(URI.create(base + "/tasks/run/emotion-cnn"))
                .header("Authorization", "Bearer " + userToken).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("user=alice")).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        assertThat(forHerself).as("let through to the plugin's own checks").isNotIn(401, 403).isLessThan(500);
        assertThat(forBob).isEqualTo(403);
        assertThat(otherPlugin).isEqualTo(403);
    }

    @Test
    void aDatasetVersionRecordsTheUserWhoseTokenUploadedIt() throws Exception {
        Path zip = dir.resolve("by-alice.zip");
        SyntheticFaces.writeZip(zip, 3, 1, 2);
        ApiClient alice = new ApiClient(node.port(Role.TRAINING), userToken);
        assertThat(alice.postFile("/datasets", zip, Map.of("dataset_name", "by-alice")).status()).isEqualTo(200);
        assertThat(alice.postFile("/datasets/by-alice/versions", zip, Map.of()).status()).isEqualTo(201);
        ApiClient root = new ApiClient(node.port(Role.TRAINING), adminUserToken);
        assertThat(root.postFile("/datasets/by-alice/versions", zip, Map.of()).status()).isEqualTo(201);
        assertThat(alice.get("/datasets/by-alice/versions/1").json().get("created_by").asText()).isEqualTo("alice");
        assertThat(alice.get("/datasets/by-alice/versions/2").json().get("created_by").asText()).isEqualTo("alice");
        assertThat(alice.get("/datasets/by-alice/versions/3").json().get("created_by").asText()).isEqualTo("root");
    }

    /** Let through: not refused by authentication or authorization, and no server error. */
    private static boolean passes(int status) {
        return status != 401 && status != 403 && status < 500;
    }

    @Test
    void theTableSaysWhatTheIssueAsks() {
        record Expect(String method, String route, Access access) {
        }
        List<Expect> expected = List.of(
                new Expect("GET", "/health", Access.PUBLIC),
                new Expect("GET", "/login", Access.PUBLIC),
                new Expect("POST", "/login", Access.PUBLIC),
                new Expect("GET", "/dashboard", Access.PUBLIC),
                new Expect("GET", "/dashboard/app.js", Access.USER),
                new Expect("GET", "/dashboard/chimp.css", Access.PUBLIC),
                new Expect("POST", "/model/{name}/infer", Access.USER),
                new Expect("POST", "/v2/models/{name}/infer", Access.USER),
                new Expect("POST", "/model/{name}/generate", Access.USER),
                new Expect("GET", "/model", Access.USER),
                new Expect("POST", "/datasets", Access.USER),
                new Expect("GET", "/datasets", Access.USER),
                new Expect("GET", "/jobs", Access.USER),
                new Expect("GET", "/workers", Access.USER),
                new Expect("POST", "/api/2.0/chimp/tokens", Access.USER),
                new Expect("GET", "/api/2.0/mlflow/registered-models/search", Access.USER),
                new Expect("POST", "/api/2.0/mlflow/runs/search", Access.USER),
                new Expect("GET", "/api/2.0/mlflow-artifacts/artifacts/<path>", Access.USER),
                new Expect("POST", "/tasks/run/{plugin}", Access.ADMIN),
                new Expect("POST", "/jobs/{id}/cancel", Access.ADMIN),
                new Expect("POST", "/jobs/{id}/retry", Access.ADMIN),
                new Expect("POST", "/api/2.0/mlflow/model-versions/transition-stage", Access.ADMIN),
                new Expect("POST", "/api/2.0/mlflow/registered-models/alias", Access.ADMIN),
                new Expect("DELETE", "/api/2.0/mlflow/registered-models/alias", Access.ADMIN),
                new Expect("DELETE", "/api/2.0/mlflow/registered-models/delete", Access.ADMIN),
                new Expect("POST", "/api/2.0/mlflow/model-versions/delete", Access.ADMIN),
                new Expect("POST", "/api/2.0/mlflow/runs/log-metric", Access.ADMIN),
                new Expect("PUT", "/api/2.0/mlflow-artifacts/artifacts/<path>", Access.ADMIN),
                new Expect("POST", "/api/2.0/chimp/models/register", Access.ADMIN),
                new Expect("POST", "/api/2.0/chimp/models/import", Access.ADMIN),
                new Expect("GET", "/api/2.0/chimp/users", Access.ADMIN),
                new Expect("POST", "/api/2.0/chimp/users", Access.ADMIN),
                new Expect("DELETE", "/api/2.0/chimp/users/{name}", Access.ADMIN),
                new Expect("POST", "/some/route/added/later", Access.ADMIN));
        for (Expect x : expected) {
            assertThat(node.access().ruleFor(x.method(), x.route()).access()).as(x.method() + " " + x.route()).isEqualTo(x.access());
        }
    }

    @Test
    void revokedExpiredForgedAndOrphanedCredentialsAre401() throws Exception {
        Identity identity = node.services().identity();
        User bob = identity.users().add("bob", UserRole.USER, "bob's password!");
        var revoked = identity.tokens().create(bob, "revoked", null);
        identity.tokens().revoke(revoked.info().id(), null);
        var expired = identity.tokens().create(bob, "expired", java.time.Duration.ofDays(1));
        try (Connection c = node.services().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE web_api_tokens SET expires_at = ? WHERE id = ?")) {
            ps.setObject(1, LocalDateTime.now().minusDays(1));
            ps.setString(2, expired.info().id());
            ps.executeUpdate();
        }
        User carol = identity.users().add("carol", UserRole.USER, "carol's password");
        String orphan = identity.tokens().create(carol, "gone", null).token();
        identity.users().remove("carol");

        for (String bad : List.of(revoked.token(), expired.token(), orphan, "chimp_pat_" + "A".repeat(43), "chimp_pat_short",
                ADMIN_TOKEN + "x", ADMIN_TOKEN.substring(1), "' OR '1'='1", "x".repeat(4000))) {
            HttpResponse<String> r = call("GET", "/datasets", bad);
            assertThat(r.statusCode()).as(bad.length() > 60 ? bad.substring(0, 60) : bad).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
        }
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(base + "/datasets"))
                .header("Cookie", "chimp_session=" + "A".repeat(43)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(401);
    }

    @Test
    void adminsManageUsersOverHttp() throws Exception {
        ApiClient admin = new ApiClient(node.port(Role.TRAINING), ADMIN_TOKEN);
        ApiClient.Reply added = admin.postJson("/api/2.0/chimp/users", java.util.Map.of("name", "dave", "role", "user",
                "password", "dave's password"));
        assertThat(added.status()).as(added.text()).isEqualTo(200);
        assertThat(added.text()).doesNotContain("dave's password").doesNotContain("argon2");
        assertThat(admin.postJson("/api/2.0/chimp/users", java.util.Map.of("name", "DAVE", "password", "another password"))
                .status()).isEqualTo(409);
        assertThat(admin.postJson("/api/2.0/chimp/users", java.util.Map.of("name", "eve", "password", "short")).status()).isEqualTo(400);
        assertThat(admin.postJson("/api/2.0/chimp/users", java.util.Map.of("name", "eve", "role", "root",
                "password", "long enough password")).status()).isEqualTo(400);
        assertThat(admin.get("/api/2.0/chimp/users").text()).contains("\"dave\"").doesNotContain("\"eve\"");
        ApiClient.Reply token = admin.postJson("/api/2.0/chimp/tokens", java.util.Map.of("user", "dave", "label", "cli"));
        assertThat(token.status()).as(token.text()).isEqualTo(200);
        ApiClient dave = new ApiClient(node.port(Role.TRAINING), token.json().get("token").asText());
        assertThat(dave.get("/api/2.0/chimp/whoami").json().get("user").asText()).isEqualTo("dave");
        assertThat(dave.postJson("/api/2.0/chimp/tokens", java.util.Map.of("user", "alice", "label", "theft")).status())
                .as("a user cannot make tokens for someone else").isEqualTo(403);
        assertThat(admin.postJson("/api/2.0/chimp/tokens", java.util.Map.of("label", "nobody's")).status())
                .as("the admin token belongs to no user").isEqualTo(400);
        assertThat(call("DELETE", "/api/2.0/chimp/users/dave", ADMIN_TOKEN).statusCode()).isEqualTo(200);
        assertThat(dave.get("/datasets").status()).as("a removed user's tokens stop working").isEqualTo(401);
    }

    @Test
    void unknownPathsAre401ForStrangersAnd404ForUsers() throws Exception {
        assertThat(call("GET", "/no/such/thing", null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/no/such/thing", userToken).statusCode()).isEqualTo(404);
        for (String sneaky : List.of("/static/../datasets", "/health/../datasets", "/login/../jobs")) {
            HttpResponse<String> r = call("GET", sneaky, null);
            assertThat(r.statusCode()).as(sneaky).isIn(400, 401, 404);
            assertThat(r.body()).as(sneaky).doesNotContain("\"datasets\"").doesNotContain("\"jobs\"");
        }
    }

    @Test
    void aBodyWithAnUnknownTokenIsRefusedUnread() throws Exception {
        // 100 MB declared, 100 bytes sent: a server that spooled it would wait for the rest (then 408).
        try (Socket s = new Socket("127.0.0.1", node.port(Role.TRAINING))) {
            s.setSoTimeout(30_000); // for a loaded machine: a server that waited for the body would answer 408, not 401
            OutputStream out = s.getOutputStream();
            out.write(("POST /datasets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer chimp_pat_" + "B".repeat(43)
                    + "\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000000\r\n\r\n" + "x".repeat(100))
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(status).isEqualTo("HTTP/1.1 401");
        }
    }
}
