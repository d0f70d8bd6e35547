package org.chimp.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP layer against the requests of the hardening issue: slow, short, oversized and malformed bodies, and
 * Jetty's own errors, all answered in the JSON error shape with a 4xx, none holding a thread.
 */
class HardenedServerTest {
    static final String TOKEN = "0123456789abcdef-token";
    static final String AUTH = "Authorization: Bearer " + TOKEN + "\r\n";
    private static final ErrorFormat MLFLOW_LIKE = new ErrorFormat() {
        @Override
        public boolean appliesTo(String path) {
            return path.startsWith("/api/2.0/mlflow/");
        }

        @Override
        public Object body(int status, String message) {
            return Map.of("error_code", "INVALID_PARAMETER_VALUE", "message", message);
        }
    };

    /**
     * How long the test server lets a body stall: short, as the 408 test and the refusals of unsent bodies wait it
     * out, yet well over a pause of a loaded machine in the middle of the bodies other tests stream (19 MB chunked
     * took 18 s at load 9 against the 1 s this was).
     */
    private static final Duration BODY_IDLE = Duration.ofSeconds(3);

    @TempDir
    Path spool;
    private Javalin app;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        app = TestApps.hardened(spool, ServerLimits.defaults(4 << 20).withBodyIdle(BODY_IDLE),
                ErrorFormats.of(MLFLOW_LIKE));
        app.get("/ok", ctx -> ctx.result("ok"));
        app.post("/echo", ctx -> ctx.result("got " + ctx.bodyAsBytes().length));
        app.post("/api/2.0/mlflow/x", ctx -> ctx.result("got " + ctx.bodyAsBytes().length));
        app.put("/artifact", ctx -> ctx.result("got " + ctx.bodyAsBytes().length));
        app.post("/upload", ctx -> {
            List<String> out = new ArrayList<>();
            for (UploadedFile f : ctx.uploadedFiles()) {
                out.add(f.filename() + "=" + f.content().readAllBytes().length);
            }
            out.add("field=" + ctx.formParam("field"));
            ctx.result(String.join(",", out));
        });
        app.start();
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    @Test
    void manySlowClientsDoNotStopOthersFromBeingServed() throws Exception {
        // A patient server, as in production: the slow clients stay connected for the whole test. A server whose
        // threads the stalled bodies held would answer the others only once those bodies time out (408) after the
        // idle time; a served request takes milliseconds, so a third of it tells the two apart even on a machine
        // slowed several times over.
        Duration patientIdle = Duration.ofSeconds(60);
        Duration served = patientIdle.dividedBy(3);
        Javalin patient = TestApps.hardened(spool, ServerLimits.defaults(4 << 20).withBodyIdle(patientIdle),
                ErrorFormats.of());
        patient.post("/echo", ctx -> ctx.result("got " + ctx.bodyAsBytes().length));
        patient.start();
        List<RawHttp> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                slow.add(new RawHttp(patient.port()).send("POST /echo HTTP/1.1\r\nHost: x\r\n" + AUTH
                        + "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"));
            }
            long t0 = System.nanoTime();
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + patient.port() + "/echo"))
                    .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString("{\"a\": 1}"))
                    .timeout(patientIdle.dividedBy(2)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.body()).isEqualTo("got 8");
            // Before the spooler, the 300 slow bodies held every one of Jetty's 250 threads until they timed out.
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(served);
            // A client that waits to be told before sending a large body (Expect: 100-continue, as curl does) is
            // refused at once, not sent a 100 Continue (then it would wait for the body for the idle time).
            try (RawHttp c = new RawHttp(patient.port())) {
                long t1 = System.nanoTime();
                RawHttp.Response r = c.send("POST /echo HTTP/1.1\r\nHost: x\r\n" + AUTH
                        + "Expect: 100-continue\r\nContent-Length: 99999999999\r\n\r\n").read();
                assertThat(r.status()).isEqualTo(413);
                assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(served);
            }
        } finally {
            for (RawHttp c : slow) {
                c.close();
            }
            patient.stop();
        }
    }

    @Test
    void aBodyShorterThanItsContentLengthIs400AtOnceWhenTheClientStops() throws Exception {
        try (RawHttp c = new RawHttp(app.port())) {
            long t0 = System.nanoTime();
            RawHttp.Response r = c.send("POST /echo HTTP/1.1\r\nHost: x\r\n" + AUTH + "Content-Length: 500\r\n\r\n{\"a\":1}")
                    .endOutput().read();
            // Waiting for the rest would end in a 408 after BODY_IDLE; the status tells them apart, and the bound
            // (well under RawHttp's 20 s read timeout) leaves room for a loaded machine.
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("\"status-code\":400");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aBodyShorterThanItsContentLengthIs408WhenTheClientWaits() throws Exception {
        try (RawHttp c = new RawHttp(app.port())) {
            RawHttp.Response r = c.send("POST /echo HTTP/1.1\r\nHost: x\r\n" + AUTH + "Content-Length: 500\r\n\r\n{\"a\":1}").read();
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.body()).contains("stopped arriving");
        }
    }

    @Test
    void aDeclaredOversizeBodyIsRefusedBeforeItIsSent() throws Exception {
        try (RawHttp c = new RawHttp(app.port())) {
            RawHttp.Response r = c.send("POST /upload HTTP/1.1\r\nHost: x\r\n" + AUTH
                    + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 629145600\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.body()).contains("\"status-code\":413", "629145600");
        }
        assertThat(filesIn(spool)).isZero();
    }

    @Test
    void aPutIsAnUploadHeldToTheUploadLimitNotTheBodyLimit() throws Exception {
        try (RawHttp c = new RawHttp(app.port())) {
            RawHttp.Response r = c.send("PUT /artifact HTTP/1.1\r\nHost: x\r\n" + AUTH + "Content-Length: 5242880\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.body()).contains("5242880", String.valueOf(4 << 20));
        }
        byte[] body = new byte[3 << 20];
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + "/artifact"))
                .header("Authorization", "Bearer " + TOKEN).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok.body()).isEqualTo("got " + body.length);
        assertThat(filesIn(spool)).isZero();
    }

    @Test
    void aChunkedBodyIsCutOffAtTheLimit() throws Exception {
        try (RawHttp c = new RawHttp(app.port())) {
            c.send("POST /echo HTTP/1.1\r\nHost: x\r\n" + AUTH + "Transfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            RawHttp.Response r = null;
            try {
                for (int i = 0; i < 300; i++) { // 19 MB, over the 16 MiB body limit
                    c.send(chunk);
                }
            } catch (IOException closedByServer) {
                // The server answered and closed while we were still sending: as intended.
            }
            r = c.read();
            assertThat(r.status()).isEqualTo(413);
        }
        assertThat(filesIn(spool)).isZero();
    }

    @Test
    void multipartWithoutBoundaryOrCutShortIs400() throws Exception {
        HttpResponse<String> noBoundary = http.send(request("/upload").header("Content-Type", "multipart/form-data")
                .POST(HttpRequest.BodyPublishers.ofString("--b\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nv\r\n--b--\r\n"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noBoundary.statusCode()).isEqualTo(400);
        assertThat(noBoundary.body()).contains("boundary");

        String cut = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.zip\"\r\n\r\nPK\u0003\u0004 some bytes";
        HttpResponse<String> truncated = http.send(request("/upload").header("Content-Type", "multipart/form-data; boundary=b")
                .POST(HttpRequest.BodyPublishers.ofString(cut)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(truncated.statusCode()).isEqualTo(400);
        assertThat(truncated.body()).contains("\"status-code\":400", "multipart");
    }

    @Test
    void aWellFormedUploadIsParsedFromTheSpoolAndItsTempFilesRemoved() throws Exception {
        byte[] big = new byte[3 << 20]; // over the 1 MiB kept in memory: spooled to a file
        String head = "--b\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue\r\n"
                + "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        byte[] body = concat(head.getBytes(StandardCharsets.US_ASCII), big, "\r\n--b--\r\n".getBytes(StandardCharsets.US_ASCII));
        HttpResponse<String> r = http.send(request("/upload").header("Content-Type", "multipart/form-data; boundary=b")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("a.bin=" + big.length + ",field=value");
        assertThat(filesIn(spool)).isZero();
    }

    @Test
    void aMultipartPartOverItsLimitIs413() throws Exception {
        Javalin small = TestApps.hardened(spool, ServerLimits.defaults(64 << 20), ErrorFormats.of(),
                cfg -> cfg.jetty.multipartConfig.maxFileSize(1, SizeUnit.MB));
        small.post("/upload", ctx -> ctx.result("files " + ctx.uploadedFiles().size()));
        small.start();
        try {
            String head = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\r\n";
            byte[] body = concat(head.getBytes(StandardCharsets.US_ASCII), new byte[2 << 20], "\r\n--b--\r\n".getBytes(StandardCharsets.US_ASCII));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + small.port() + "/upload"))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "multipart/form-data; boundary=b")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(r.body()).contains("\"status-code\":413").doesNotContain(spool.toString());
        } finally {
            small.stop();
        }
        assertThat(filesIn(spool)).isZero();
    }

    @Test
    void jettysOwnErrorsAreJson() throws Exception {
        try (RawHttp c = new RawHttp(app.port())) {
            RawHttp.Response r = c.send("GET /ok HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.headers()).containsIgnoringCase("content-type: application/json");
            assertThat(r.body()).contains("\"status-code\":400");
        }
        try (RawHttp c = new RawHttp(app.port())) {
            RawHttp.Response r = c.send("GET /ok?" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertThat(r.status()).isIn(414, 431);
            assertThat(r.body()).contains("\"status-code\":" + r.status()).doesNotContain("<html");
        }
        try (RawHttp c = new RawHttp(app.port())) {
            RawHttp.Response r = c.send("GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(431);
            assertThat(r.body()).contains("\"status-code\":431");
        }
    }

    @Test
    void errorsOnAnotherProductsPathsUseItsShapeEvenBeforeTheHandler() throws Exception {
        try (RawHttp c = new RawHttp(app.port())) {
            RawHttp.Response r = c.send("POST /api/2.0/mlflow/x HTTP/1.1\r\nHost: x\r\n" + AUTH
                    + "Content-Length: 99999999999\r\n\r\n").read();
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.body()).contains("\"error_code\":\"INVALID_PARAMETER_VALUE\"");
        }
        HttpResponse<String> unauth = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/api/2.0/mlflow/x"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unauth.statusCode()).isEqualTo(401);
        assertThat(unauth.body()).contains("\"error_code\"");
    }

    @Test
    void anAnonymousBodyIsNeverRead() throws Exception {
        try (RawHttp c = new RawHttp(app.port())) {
            RawHttp.Response r = c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3000000\r\n\r\n" + "x".repeat(100)).read();
            assertThat(r.status()).isEqualTo(401);
        }
        assertThat(filesIn(spool)).isZero();
    }

    @Test
    void dotSegmentsDoNotMakeAProtectedPathPublic() throws Exception {
        for (String path : new String[] {"/static/../echo", "/static/%2e%2e/echo", "/ping/../ok"}) {
            try (RawHttp c = new RawHttp(app.port())) {
                RawHttp.Response r = c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").read();
                assertThat(r.body()).as(path).isNotEqualTo("ok").doesNotStartWith("got").contains("\"status-code\"");
                assertThat(r.status()).as(path).isBetween(400, 404);
            }
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).header("Authorization", "Bearer " + TOKEN);
    }

    static long filesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int i = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }
}
