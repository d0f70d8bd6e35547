package org.chimp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.chimp.server.node.ChimpNode;
import org.chimp.server.node.NodeSettings;
import org.chimp.server.node.Role;
import org.chimp.web.identity.UserRole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Browser login against a whole node over real HTTP: the form and its CSRF value, the session cookie's
 * attributes, CSRF on changes made with a session, logout, a session that survives a restart, API tokens made
 * with a session, and the login rate limit.
 */
class LoginTest {
    private static final String ADMIN_TOKEN = "login-test-admin-token-0123456789";
    private static final String PASSWORD = "alice's password";
    private static final Pattern FORM_CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @TempDir
    Path dir;
    private ChimpNode node;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        node = startNode();
        node.services().identity().users().add("alice", UserRole.USER, PASSWORD);
    }

    private ChimpNode startNode() throws IOException {
        return ChimpNode.standalone(new NodeSettings(dir.resolve("data"), null, "embedded", null, ADMIN_TOKEN), 0, null);
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + node.port(Role.TRAINING) + path;
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    /** The login form: its CSRF value and the cookie that must come back with it. */
    private record LoginForm(String csrf, String cookie) {
    }

    private LoginForm loginForm() throws Exception {
        HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(url("/login"))).GET());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(page.body()).doesNotContain("<script").doesNotContain("http://").doesNotContain("https://");
        Matcher m = FORM_CSRF.matcher(page.body());
        assertThat(m.find()).isTrue();
        String setCookie = page.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("chimp_login_csrf=").contains("HttpOnly").contains("SameSite=Strict");
        return new LoginForm(m.group(1), setCookie.substring(0, setCookie.indexOf(';')));
    }

    private HttpResponse<String> postLogin(LoginForm f, String user, String password, Map<String, String> headers) throws Exception {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("username", user);
        fields.put("password", password);
        if (f.csrf() != null) {
            fields.put("_csrf", f.csrf());
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url("/login")))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form(fields)));
        if (f.cookie() != null) {
            b.header("Cookie", f.cookie());
        }
        headers.forEach(b::header);
        return send(b);
    }

    /** Logs alice in; returns the session cookie ("chimp_session=..."). */
    private String login() throws Exception {
        HttpResponse<String> r = postLogin(loginForm(), "alice", PASSWORD, Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String setCookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("chimp_session=")).findFirst().orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Lax").contains("Path=/").doesNotContain("Secure");
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private HttpResponse<String> withCookie(String cookie, String method, String path, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).header("Cookie", cookie)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", body.startsWith("{") ? "application/json" : "application/x-www-form-urlencoded");
        }
        headers.forEach(b::header);
        return send(b);
    }

    @Test
    void wrongPasswordsUnknownUsersAndMissingFormValuesAreRefused() throws Exception {
        LoginForm f = loginForm();
        assertThat(postLogin(f, "alice", "wrong password", Map.of()).statusCode()).isEqualTo(401);
        assertThat(postLogin(f, "nobody", PASSWORD, Map.of()).statusCode()).isEqualTo(401);
        assertThat(postLogin(f, "alice' OR '1'='1", PASSWORD, Map.of()).statusCode()).isEqualTo(401);
        assertThat(postLogin(f, "a".repeat(10_000), PASSWORD, Map.of()).statusCode()).isEqualTo(401);
        assertThat(postLogin(f, "alice", "p".repeat(100_000), Map.of()).statusCode()).isEqualTo(401);
        assertThat(postLogin(new LoginForm(null, f.cookie()), "alice", PASSWORD, Map.of()).statusCode()).as("no form value").isEqualTo(403);
        assertThat(postLogin(new LoginForm(f.csrf(), null), "alice", PASSWORD, Map.of()).statusCode()).as("no cookie").isEqualTo(403);
        assertThat(postLogin(new LoginForm("forged", "chimp_login_csrf=forged2"), "alice", PASSWORD, Map.of()).statusCode()).isEqualTo(403);
        HttpResponse<String> page = postLogin(f, "alice", "wrong password", Map.of("Accept", "text/html"));
        assertThat(page.statusCode()).isEqualTo(401);
        assertThat(page.body()).contains("Wrong user name or password").contains("<form");
        assertThat(page.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("chimp_session="));
    }

    @Test
    void aSessionWorksLikeATokenButChangesNeedItsCsrfToken() throws Exception {
        String cookie = login();
        assertThat(withCookie(cookie, "GET", "/datasets", null, Map.of()).statusCode()).isEqualTo(200);
        JsonNode me = ApiClient.JSON.readTree(withCookie(cookie, "GET", "/api/2.0/chimp/whoami", null, Map.of()).body());
        assertThat(me.get("user").asText()).isEqualTo("alice");
        assertThat(me.get("role").asText()).isEqualTo("user");
        String csrf = me.get("csrf_token").asText();

        String tokenRequest = "{\"label\": \"from the browser\"}";
        HttpResponse<String> noCsrf = withCookie(cookie, "POST", "/api/2.0/chimp/tokens", tokenRequest, Map.of());
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(noCsrf.body()).contains("CSRF");
        assertThat(withCookie(cookie, "POST", "/api/2.0/chimp/tokens", tokenRequest, Map.of("X-CSRF-Token", "0".repeat(64)))
                .statusCode()).isEqualTo(403);
        HttpResponse<String> made = withCookie(cookie, "POST", "/api/2.0/chimp/tokens", tokenRequest, Map.of("X-CSRF-Token", csrf));
        assertThat(made.statusCode()).as(made.body()).isEqualTo(200);
        String token = ApiClient.JSON.readTree(made.body()).get("token").asText();
        assertThat(token).startsWith("chimp_pat_");
        HttpResponse<String> listed = withCookie(cookie, "GET", "/api/2.0/chimp/tokens", null, Map.of());
        assertThat(listed.body()).contains("from the browser").doesNotContain(token);

        // A user stays a user with a session: admin routes are 403.
        assertThat(withCookie(cookie, "POST", "/jobs/x/cancel", "_csrf=" + csrf, Map.of()).statusCode()).isEqualTo(403);
        // The API token made with the session works on its own.
        ApiClient api = new ApiClient(node.port(Role.TRAINING), token);
        assertThat(api.get("/datasets").status()).isEqualTo(200);

        assertThat(withCookie(cookie, "POST", "/logout", "", Map.of()).statusCode()).as("logout needs the CSRF token too").isEqualTo(403);
        assertThat(withCookie(cookie, "POST", "/logout", "_csrf=" + csrf, Map.of()).statusCode()).isEqualTo(200);
        assertThat(withCookie(cookie, "GET", "/datasets", null, Map.of()).statusCode()).as("logged out").isEqualTo(401);
    }

    @Test
    void whoamiTokensUsersAndLogoutAnswerInTheirWholeShape() throws Exception {
        ApiClient admin = new ApiClient(node.port(Role.TRAINING), ADMIN_TOKEN);
        JsonNode adminMe = admin.get("/api/2.0/chimp/whoami").json();
        assertThat(adminMe.fieldNames()).toIterable().containsExactly("user", "role", "via");
        assertThat(adminMe.get("role").asText()).isEqualTo("admin");
        assertThat(adminMe.get("via").asText()).isEqualTo("admin_token");
        String cookie = login();
        JsonNode me = ApiClient.JSON.readTree(withCookie(cookie, "GET", "/api/2.0/chimp/whoami", null, Map.of()).body());
        String csrf = me.path("csrf_token").asText();
        assertThat(me).isEqualTo(ApiClient.JSON.createObjectNode().put("user", "alice").put("role", "user").put("via", "session")
                .put("csrf_token", csrf));

        String tokens = "/api/2.0/chimp/tokens";
        JsonNode made = admin.postJson(tokens, Map.of("label", "ci", "user", "alice", "expires_days", 30)).json();
        ObjectNode view = ApiClient.JSON.createObjectNode().put("id", made.path("id").asText()).put("user", "alice")
                .put("label", "ci").put("created_at", made.path("created_at").asText())
                .put("expires_at", made.path("expires_at").asText()).putNull("revoked_at");
        assertThat(made).isEqualTo(view.deepCopy().put("token", made.path("token").asText()));
        assertThat(Instant.parse(view.get("expires_at").asText())).isAfter(Instant.parse(view.get("created_at").asText()));
        // Read back, the times are as stored (to the microsecond).
        JsonNode listed = admin.get(tokens + "?user=alice").json();
        JsonNode stored = listed.path("tokens").path(0);
        view.put("created_at", stored.path("created_at").asText()).put("expires_at", stored.path("expires_at").asText());
        assertThat(listed).isEqualTo(ApiClient.JSON.createObjectNode().set("tokens", ApiClient.JSON.createArrayNode().add(view)));
        JsonNode revoked = ApiClient.JSON.readTree(adminDelete(tokens + "/" + view.get("id").asText()).body());
        assertThat(revoked).isEqualTo(view.deepCopy().put("revoked_at", revoked.path("revoked_at").asText()));
        assertThat(Instant.parse(revoked.get("revoked_at").asText())).isNotNull();

        String users = "/api/2.0/chimp/users";
        JsonNode bob = admin.postJson(users, Map.of("name", "bob", "role", "user", "password", PASSWORD)).json();
        assertThat(bob).isEqualTo(ApiClient.JSON.createObjectNode().put("name", "bob").put("role", "user")
                .put("created_at", bob.path("created_at").asText()));
        JsonNode everyone = admin.get(users).json();
        assertThat(everyone.fieldNames()).toIterable().containsExactly("users");
        JsonNode listedBob = java.util.stream.StreamSupport.stream(everyone.get("users").spliterator(), false)
                .filter(u -> u.path("name").asText().equals("bob")).findFirst().orElseThrow();
        assertThat(listedBob).isEqualTo(((ObjectNode) bob.deepCopy()).put("created_at", listedBob.path("created_at").asText()));
        assertThat(ApiClient.JSON.readTree(adminDelete(users + "/bob").body()))
                .isEqualTo(ApiClient.JSON.createObjectNode().put("removed", "bob"));

        assertThat(ApiClient.JSON.readTree(withCookie(cookie, "POST", "/logout", "_csrf=" + csrf, Map.of()).body()))
                .isEqualTo(ApiClient.JSON.createObjectNode().put("logged_out", true));
    }

    private HttpResponse<String> adminDelete(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", "Bearer " + ADMIN_TOKEN).DELETE());
    }

    @Test
    void theSessionCookieIsSecureBehindTls() throws Exception {
        HttpResponse<String> r = postLogin(loginForm(), "alice", PASSWORD, Map.of("X-Forwarded-Proto", "https"));
        assertThat(r.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("chimp_session=").contains("Secure"));
    }

    @Test
    void aBrowserLoginRedirectsToThePageThatShowsWhoIsSignedIn() throws Exception {
        HttpResponse<String> r = postLogin(loginForm(), "alice", PASSWORD, Map.of("Accept", "text/html"));
        assertThat(r.statusCode()).isEqualTo(303);
        String cookie = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("chimp_session=")).findFirst().orElseThrow();
        HttpResponse<String> page = withCookie(cookie.substring(0, cookie.indexOf(';')), "GET", "/login", null, Map.of());
        assertThat(page.body()).contains("Signed in as <b>alice</b>").contains("action=\"/logout\"");
    }

    @Test
    void aSessionSurvivesARestart() throws Exception {
        String cookie = login();
        node.close();
        node = startNode();
        assertThat(withCookie(cookie, "GET", "/api/2.0/chimp/whoami", null, Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void aThousandLoginAttemptsGet429WithRetryAfter() throws Exception {
        LoginForm f = loginForm();
        int limited = 0;
        String retryAfter = null;
        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            HttpResponse<String> r = postLogin(f, i % 2 == 0 ? "alice" : "user" + i, "wrong password " + i, Map.of());
            assertThat(r.statusCode()).isIn(401, 429);
            if (r.statusCode() == 429) {
                limited++;
                retryAfter = r.headers().firstValue("Retry-After").orElse(null);
            }
        }
        // One address gets 30 attempts at once, then one every 2 s: the attempts let through are bounded by the time
        // the loop took, so a loaded machine (slow Argon2 checks) cannot fail this; a missing or leaky throttle can.
        long refills = Duration.ofNanos(System.nanoTime() - start).dividedBy(Duration.ofSeconds(2));
        assertThat(1000 - limited).as("attempts let through").isLessThanOrEqualTo(30 + (int) refills + 1);
        assertThat(retryAfter).isNotNull();
        assertThat(Long.parseLong(retryAfter)).isPositive();
        assertThat(postLogin(f, "alice", PASSWORD, Map.of()).statusCode()).as("the right password waits too").isEqualTo(429);
    }
}
