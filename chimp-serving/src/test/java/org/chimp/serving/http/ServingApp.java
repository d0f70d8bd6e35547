package org.chimp.serving.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.chimp.db.TestDatabases;
import org.chimp.http.HttpErrors;
import org.chimp.http.Json;
import org.chimp.serving.ServingFixture;

/** The serving routes on a real Javalin server over a {@link ServingFixture}, and a client for them. */
final class ServingApp implements AutoCloseable {
    final ServingFixture f;
    private final Javalin app;
    private final HttpClient http = HttpClient.newHttpClient();

    ServingApp(Path dir) {
        this(dir, org.chimp.api.vision.FaceDetection.off("no face detector was configured"));
    }

    ServingApp(Path dir, org.chimp.api.vision.FaceDetection faces) {
        this(dir, faces, "faces");
    }

    /** @param invocationsModel the model {@code POST /invocations} runs, or null */
    ServingApp(Path dir, org.chimp.api.vision.FaceDetection faces, String invocationsModel) {
        f = new ServingFixture(TestDatabases.Kind.H2, dir);
        app = Javalin.create(c -> c.showJavalinBanner = false);
        HttpErrors.install(app);
        new ServingRoutes(f.deployments, faces, invocationsModel).addTo(app);
        app.start(0);
    }

    /** The port the server listens on. */
    int port() {
        return app.port();
    }

    HttpResponse<String> send(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Posts raw bytes with extra headers (name, value, ...), for the binary tensor extension. */
    HttpResponse<byte[]> postBytes(String path, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/octet-stream");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode ok(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    /** Checks an error response's status and shape, and its message if given; returns the message. */
    static String error(HttpResponse<String> r, int status, String message) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        ObjectNode body = (ObjectNode) Json.MAPPER.readTree(r.body());
        assertThat(body.path("status-code").asInt()).isEqualTo(status);
        assertThat(body.path("message").asText()).isNotBlank();
        if (message != null) {
            assertThat(body.path("message").asText()).isEqualTo(message);
        }
        return body.path("message").asText();
    }

    /** A 2x2 gray PNG with a bright top row (or bottom row), base64 as a browser would send it. */
    static String png(boolean topBright) {
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        int bright = topBright ? 0 : 1;
        img.getRaster().setSample(0, bright, 0, 255);
        img.getRaster().setSample(1, bright, 0, 255);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    @Override
    public void close() {
        app.stop();
        f.close();
    }
}
