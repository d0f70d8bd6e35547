package org.chimp.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.chimp.api.error.ClientErrorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BearerAuthTest {
    private static final String TOKEN = "0123456789abcdef-token";
    private final HttpClient http = HttpClient.newHttpClient();
    private Javalin app;

    @BeforeEach
    void start() {
        app = Javalin.create(c -> c.showJavalinBanner = false);
        HttpErrors.install(app);
        new BearerAuth(TOKEN, BearerAuth.defaultPublicPaths()).install(app);
        app.get("/ping", ctx -> ctx.result("pong"));
        app.get("/secret", ctx -> ctx.result("ok"));
        app.get("/bad", ctx -> {
            throw ClientErrorException.invalid("send a number");
        });
        app.get("/boom", ctx -> {
            throw new IllegalStateException("internal detail /etc/passwd");
        });
        app.start(0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void publicPathsNeedNoToken() throws Exception {
        assertThat(get("/ping", null).body()).isEqualTo("pong");
    }

    @Test
    void missingOrWrongTokenIs401WithJsonError() throws Exception {
        HttpResponse<String> none = get("/secret", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).contains("\"status-code\":401", "\"error\":\"Unauthorized\"", "CHIMP_ADMIN_TOKEN");
        assertThat(get("/secret", "wrong-token-wrong-token").statusCode()).isEqualTo(401);
        assertThat(get("/secret", TOKEN).body()).isEqualTo("ok");
    }

    @Test
    void clientErrorsKeepTheirMessageAndUnexpectedOnesHideIt() throws Exception {
        HttpResponse<String> bad = get("/bad", TOKEN);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("send a number", "\"error\":\"Bad Request\"");
        HttpResponse<String> boom = get("/boom", TOKEN);
        assertThat(boom.statusCode()).isEqualTo(500);
        assertThat(boom.body()).contains("incident").doesNotContain("/etc/passwd");
        HttpResponse<String> missing = get("/nowhere", TOKEN);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("\"status-code\":404", "/nowhere");
    }

    @Test
    void shortTokensAreRefusedAndPrefixesMatch() {
        assertThatThrownBy(() -> new BearerAuth("short", List.of())).isInstanceOf(IllegalArgumentException.class);
        BearerAuth auth = new BearerAuth(TOKEN, List.of("/static/*", "/ping"));
        assertThat(auth.isPublic("/static/app.js")).isTrue();
        assertThat(auth.isPublic("/ping")).isTrue();
        assertThat(auth.isPublic("/pingx")).isFalse();
    }
}
