package org.chimp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.chimp.server.node.Role;
import org.chimp.web.identity.User;
import org.chimp.web.identity.UserRole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emotion page's server side over real HTTP, with no model registered: the page and its files only for a
 * signed-in browser; the live socket refuses callers without a session and pages of other sites, closes on an
 * oversized frame, and answers garbage, text and frames it cannot serve with error messages while staying open;
 * corrections are checked (label, base64, image size, CSRF) before anything is stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmotionSocketTest {
    private static final String TOKEN = "emotion-socket-test-token-0123456789";

    @TempDir
    static Path dir;
    private StandaloneFixture chimp;
    private final HttpClient http = HttpClient.newHttpClient();
    private String host;
    private String cookie;
    private String csrf;

    @BeforeAll
    void start() throws Exception {
        chimp = StandaloneFixture.start(dir, TOKEN);
        host = "127.0.0.1:" + chimp.node().port(Role.SERVING);
        User alice = chimp.node().services().identity().users().add("alice", UserRole.USER, "alice's password");
        String secret = chimp.node().services().identity().sessions().start(alice);
        cookie = "chimp_session=" + secret;
        csrf = chimp.node().services().identity().sessions().resolve(secret).orElseThrow().csrfToken();
    }

    @AfterAll
    void stop() {
        chimp.close();
    }

    @Test
    void thePageAndItsFilesAreForSignedInBrowsers() throws Exception {
        HttpResponse<String> anonymous = get("/", null);
        assertThat(anonymous.statusCode()).isEqualTo(303);
        assertThat(anonymous.headers().firstValue("Location")).hasValue("/login");
        HttpResponse<String> page = get("/", cookie);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("/emotion/emotion.js").contains("/webjars/echarts/").doesNotContain("https://");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v ->
                assertThat(v).contains("script-src 'self'").contains("frame-ancestors 'none'"));
        assertThat(get("/emotion/emotion.js", null).statusCode()).isEqualTo(401);
        assertThat(get("/emotion/emotion.js", cookie).statusCode()).isEqualTo(200);
        assertThat(get("/webjars/echarts/5.3.1/dist/echarts.min.js", null).statusCode()).as("bundled, public").isEqualTo(200);
        JsonNode settings = ApiClient.JSON.readTree(get("/api/2.0/chimp/emotion/settings", cookie).body());
        assertThat(settings.get("user").asText()).isEqualTo("alice");
        assertThat(settings.get("calibration_dataset").asText()).isEqualTo("calibration-alice");
        assertThat(get("/api/2.0/chimp/emotion/settings", null).statusCode()).isEqualTo(401);
    }

    @Test
    void theSocketNeedsASessionAndThisServersOrigin() {
        assertThat(refusal(null, "http://" + host)).as("no session").isEqualTo(401);
        assertThat(refusal("chimp_session=forged", "http://" + host)).as("forged session").isEqualTo(401);
        assertThat(refusal(cookie, "http://evil.example")).as("another site").isEqualTo(403);
        assertThat(refusal(cookie, "http://" + host + ".evil.example")).as("a look-alike host").isEqualTo(403);
        assertThat(refusal(cookie, null)).as("no origin").isEqualTo(403);
    }

    @Test
    void garbageTextAndUnservableFramesGetErrorMessagesAndTheSocketStaysOpen() throws Exception {
        Socket s = open();
        s.ws.sendText("hello", true).join();
        JsonNode text = s.next();
        assertThat(text.get("type").asText()).isEqualTo("error");
        assertThat(text.get("status").asInt()).isEqualTo(400);

        s.ws.sendBinary(ByteBuffer.wrap("not an image at all".getBytes()), true).join();
        JsonNode garbage = s.next();
        assertThat(garbage.get("type").asText()).isEqualTo("error");
        assertThat(garbage.get("status").asInt()).isEqualTo(400);
        assertThat(garbage.get("message").asText()).contains("format");

        // Garbage as large as a frame may be (200 KB, more than Jetty's default 64 KB frames): an error, still open.
        Thread.sleep(150);
        byte[] noise = new byte[200 * 1024];
        new java.util.Random(1).nextBytes(noise);
        s.ws.sendBinary(ByteBuffer.wrap(noise), true).join();
        JsonNode big = s.next();
        assertThat(big.get("type").asText()).as(big.toString()).isEqualTo("error");
        assertThat(big.get("status").asInt()).isEqualTo(400);

        // A tiny PNG whose header claims 20000 x 20000 pixels: refused from the header, nothing decoded.
        Thread.sleep(150);
        s.ws.sendBinary(ByteBuffer.wrap(png(2, 2, 20000, 20000)), true).join();
        JsonNode bomb = s.next();
        assertThat(bomb.get("type").asText()).isEqualTo("error");
        assertThat(bomb.get("status").asInt()).isEqualTo(413);

        // A good frame, but no model called "emotion" exists (or face detection is off here): a 4xx/503, not a crash.
        Thread.sleep(150);
        s.ws.sendBinary(ByteBuffer.wrap(png(64, 48, 0, 0)), true).join();
        JsonNode unservable = s.next();
        assertThat(unservable.get("type").asText()).isEqualTo("error");
        assertThat(unservable.get("status").asInt()).isIn(404, 503);

        // Frames sent as fast as possible: each gets exactly one answer, and some are dropped rather than queued.
        Thread.sleep(150);
        byte[] frame = png(64, 48, 0, 0);
        for (int i = 0; i < 6; i++) {
            s.ws.sendBinary(ByteBuffer.wrap(frame), true).join();
        }
        List<String> types = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            types.add(s.next().get("type").asText());
        }
        assertThat(types).contains("dropped").allMatch(t -> t.equals("dropped") || t.equals("error"));
        assertThat(s.messages.poll(300, TimeUnit.MILLISECONDS)).as("no answer beyond one per frame").isNull();
        assertThat(s.closed).isNotDone();
        s.ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }

    @Test
    void anOversizedFrameClosesTheSocket() throws Exception {
        Socket s = open();
        s.ws.sendBinary(ByteBuffer.wrap(new byte[300 * 1024]), true);
        assertThat(s.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
    }

    @Test
    void aUserMayHoldOnlyAFewConnections() throws Exception {
        User bob = chimp.node().services().identity().users().add("bob", UserRole.USER, "bob's long password");
        String bobs = "chimp_session=" + chimp.node().services().identity().sessions().start(bob);
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(open(bobs));
        }
        Socket fifth = open(bobs);
        assertThat(fifth.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008);
        assertThat(held).allSatisfy(s -> assertThat(s.closed).isNotDone());
        held.get(0).ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        assertThat(held.get(0).closed.get(10, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
    }

    @Test
    void correctionsAreCheckedBeforeAnythingIsStored() throws Exception {
        String face = Base64.getEncoder().encodeToString(png(48, 48, 0, 0));
        assertThat(correct(Map.of("label", "sad", "image", face), null).statusCode()).as("no CSRF token").isEqualTo(403);
        assertThat(correct(Map.of("label", "bored", "image", face), csrf).statusCode()).isEqualTo(400);
        assertThat(correct(Map.of("label", "../sad", "image", face), csrf).statusCode()).isEqualTo(400);
        assertThat(correct(Map.of("label", "sad", "image", "%%% not base64"), csrf).statusCode()).isEqualTo(400);
        assertThat(correct(Map.of("label", "sad", "image", Base64.getEncoder().encodeToString("junk".getBytes())), csrf)
                .statusCode()).isEqualTo(400);
        assertThat(correct(Map.of("label", "sad", "image", Base64.getEncoder().encodeToString(png(8, 8, 0, 0))), csrf)
                .statusCode()).as("too small to be a face").isEqualTo(400);
        assertThat(correct(Map.of("label", "sad", "image", Base64.getEncoder().encodeToString(png(600, 600, 0, 0))), csrf)
                .statusCode()).as("too many pixels").isEqualTo(413);
        assertThat(correct(Map.of("label", "sad", "image", "A".repeat(400_000)), csrf).statusCode()).isEqualTo(413);
        assertThat(correct(Map.of("label", "sad"), csrf).statusCode()).isEqualTo(400);
        assertThat(chimp.api().get("/datasets/corrections").status()).as("nothing stored").isIn(200, 404);
        assertThat(chimp.api().get("/datasets/corrections").text()).doesNotContain("\"version\"");

        HttpResponse<String> ok = correct(Map.of("label", "sad", "image", face), csrf);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        JsonNode saved = ApiClient.JSON.readTree(ok.body());
        assertThat(saved.get("ref").asText()).isEqualTo("corrections@1");
        JsonNode files = chimp.api().get("/datasets/corrections/versions/1/files").json().get("files");
        assertThat(files).hasSize(1);
        assertThat(files.get(0).get("path").asText()).startsWith("train/sad/correction-");
        JsonNode info = chimp.api().get("/datasets/corrections/versions/1").json();
        assertThat(info.get("created_by").asText()).isEqualTo("alice");
    }

    // ---- helpers ----

    /** An open socket and what it received. */
    private record Socket(WebSocket ws, BlockingQueue<JsonNode> messages, CompletableFuture<Integer> closed) {
        JsonNode next() throws InterruptedException {
            JsonNode m = messages.poll(20, TimeUnit.SECONDS);
            assertThat(m).as("an answer came").isNotNull();
            return m;
        }
    }

    private Socket open() throws Exception {
        return open(cookie);
    }

    private Socket open(String withCookie) throws Exception {
        BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket ws = builder(withCookie, "http://" + host).buildAsync(URI.create("ws://" + host + "/api/2.0/chimp/emotion/live"),
                new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            try {
                                messages.add(ApiClient.JSON.readTree(text.toString()));
                            } catch (IOException e) {
                                throw new IllegalStateException(e);
                            }
                            text.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                        closed.complete(status);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket w, Throwable error) {
                        closed.completeExceptionally(error);
                    }
                }).get(10, TimeUnit.SECONDS);
        return new Socket(ws, messages, closed);
    }

    private WebSocket.Builder builder(String withCookie, String origin) {
        WebSocket.Builder b = http.newWebSocketBuilder();
        if (withCookie != null) {
            b.header("Cookie", withCookie);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return b;
    }

    /** The HTTP status a refused upgrade answered. */
    private int refusal(String withCookie, String origin) {
        Throwable t = catchThrowable(() -> builder(withCookie, origin).buildAsync(
                URI.create("ws://" + host + "/api/2.0/chimp/emotion/live"), new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS));
        assertThat(t).as("the upgrade was refused").isInstanceOf(ExecutionException.class);
        assertThat(t.getCause()).isInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) t.getCause()).getResponse().statusCode();
    }

    private HttpResponse<String> get(String path, String withCookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + host + path)).GET();
        if (withCookie != null) {
            b.header("Cookie", withCookie);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> correct(Map<String, String> body, String csrfToken) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + host + "/api/2.0/chimp/emotion/corrections"))
                .header("Cookie", cookie).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(ApiClient.JSON.writeValueAsString(body)));
        if (csrfToken != null) {
            b.header("X-CSRF-Token", csrfToken);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A gray PNG; with claimed sizes above zero, its header is rewritten to declare them instead. */
    private static byte[] png(int width, int height, int claimedWidth, int claimedHeight) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        byte[] b = out.toByteArray();
        if (claimedWidth > 0) {
            // IHDR starts at byte 16: width and height, big-endian (the CRC no longer matches: readers check the size first).
            ByteBuffer.wrap(b, 16, 8).putInt(claimedWidth).putInt(claimedHeight);
        }
        return b;
    }
}
