package org.chimp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.chimp.server.node.Role;
import org.junit.jupiter.api.Test;

/**
 * Who gets the dashboard: the page sends a caller who is not signed in to the login form and is served with a
 * strict Content-Security-Policy; its scripts need a signed-in caller; the chart WebJars come from the jar
 * (public, like the other static files); paths that try to climb out of the dashboard's folder get nothing.
 */
class DashboardAccessTest extends NodePerClass {
    private static final String ADMIN_TOKEN = "dashboard-access-admin-token-0123456789";

    DashboardAccessTest() {
        super(ADMIN_TOKEN);
    }

    private HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/html").GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePageSendsStrangersToTheLoginFormAndServesSignedInCallersWithAStrictPolicy() throws Exception {
        HttpResponse<String> anonymous = get("/dashboard", null);
        assertThat(anonymous.statusCode()).isEqualTo(303);
        assertThat(anonymous.headers().firstValue("Location")).hasValue("/login");
        assertThat(anonymous.body()).doesNotContain("app.js");

        for (String token : new String[] {userToken, ADMIN_TOKEN}) {
            HttpResponse<String> page = get("/dashboard", token);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
            String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertThat(csp).contains("script-src 'self'").contains("default-src 'none'").contains("frame-ancestors 'none'")
                    .doesNotContain("unsafe-eval").doesNotContainPattern("script-src[^;]*unsafe-inline");
            assertThat(page.body()).contains("/dashboard/app.js").doesNotContain("http://").doesNotContain("https://")
                    .doesNotContainPattern("<script(?![^>]*src=)");
        }
    }

    @Test
    void theScriptsNeedASignedInCallerAndTheChartLibrariesComeFromTheJar() throws Exception {
        assertThat(get("/dashboard/app.js", null).statusCode()).isEqualTo(401);
        HttpResponse<String> app = get("/dashboard/app.js", userToken);
        assertThat(app.statusCode()).isEqualTo(200);
        assertThat(app.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("javascript"));
        assertThat(get("/dashboard/pages/training.js", userToken).statusCode()).isEqualTo(200);
        assertThat(get("/dashboard/pages/training.js", null).statusCode()).isEqualTo(401);
        assertThat(get("/dashboard/chimp.css", null).statusCode()).as("the shared styles, for pages before sign-in too").isEqualTo(200);
        for (String lib : new String[] {"/webjars/uplot/1.6.30/dist/uPlot.esm.js", "/webjars/uplot/1.6.30/dist/uPlot.min.css",
                "/webjars/echarts/5.3.1/dist/echarts.esm.min.js"}) {
            assertThat(get(lib, null).statusCode()).as(lib).isEqualTo(200);
        }
    }

    /** The status line's code for a request sent as raw bytes (java.net.URI refuses malformed escapes). */
    private int rawStatus(String path, String token) throws IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", node.port(Role.TRAINING))) {
            s.setSoTimeout(30_000); // a read timeout for a loaded machine, not an expected time
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String status = new String(s.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    @Test
    void malformedEscapesAreAClientError() throws Exception {
        for (String path : new String[] {"/dashboard/%zz", "/webjars/%zz", "/emotion/%zz", "/dashboard/%"}) {
            for (String token : new String[] {null, userToken}) {
                assertThat(rawStatus(path, token)).as(path).isIn(400, 401, 404);
            }
        }
    }

    @Test
    void pathsThatClimbOutOfTheDashboardGetNothing() throws Exception {
        for (String sneaky : new String[] {"/dashboard/../datasets", "/dashboard/%2e%2e/datasets", "/dashboard/..%2fdatasets",
                "/dashboard/../../../../etc/passwd", "/dashboard/%2e%2e/%2e%2e/org/chimp/web/http/DashboardRoutes.class",
                "/webjars/../dashboard/app.js", "/dashboard/no-such-file.js", "/emotion/../datasets",
                "/emotion/%2e%2e/datasets"}) {
            for (String token : new String[] {null, userToken}) {
                HttpResponse<String> r = get(sneaky, token);
                assertThat(r.statusCode()).as(sneaky + " as " + (token == null ? "stranger" : "user")).isIn(400, 401, 404);
                assertThat(r.body()).as(sneaky).doesNotContain("\"datasets\"").doesNotContain("root:").doesNotContain("import ");
            }
        }
    }
}
