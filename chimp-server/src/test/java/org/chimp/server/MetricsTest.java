package org.chimp.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.chimp.http.metrics.HttpObserver;
import org.chimp.server.ApiClient.Reply;
import org.chimp.server.config.LogFormat;
import org.chimp.server.node.ChimpNode;
import org.chimp.server.node.ModelSettings;
import org.chimp.server.node.NodeSettings;
import org.chimp.server.node.ObservabilitySettings;
import org.chimp.server.node.Role;
import org.chimp.server.node.WorkerSettings;
import org.chimp.store.S3Options;
import org.chimp.training.sample.SyntheticFaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code /metrics} of a whole standalone node scraped over real HTTP after requests, a training job and
 * inferences: the series the observability issue asks for are there with their labels and grow; hostile URLs
 * add no series; request ids are echoed, logged as JSON, and replaced when unsafe.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsTest {
    private static final String TOKEN = "metrics-test-admin-token-0123456789";
    private static final String SCRAPE = "metrics-test-scrape-token-0123456789";
    private static final String MODEL = "metrics-model";

    @TempDir
    static Path dir;
    private ChimpNode node;
    private ApiClient api;
    private final HttpClient http = HttpClient.newHttpClient();
    private String base;

    @BeforeAll
    void startAndTrain() throws Exception {
        NodeSettings settings = new NodeSettings(dir.resolve("data"), null, "embedded", null, TOKEN,
                NodeSettings.defaultHttpLimits(), S3Options.defaults(), NodeSettings.DEFAULT_DATASET_CACHE_BYTES,
                ModelSettings.defaults(), new ObservabilitySettings(SCRAPE, true));
        node = ChimpNode.standalone(settings, 0, new WorkerSettings(List.of("training"), 1));
        base = "http://127.0.0.1:" + node.port(Role.TRAINING);
        api = new ApiClient(node.port(Role.TRAINING), TOKEN);
        Path zip = dir.resolve("faces.zip");
        SyntheticFaces.writeZip(zip, 10, 4, 7);
        assertThat(api.postFile("/datasets", zip, Map.of("dataset_name", "faces")).status()).isEqualTo(200);
        Reply task = api.postForm("/tasks/run/image-classifier", Map.of("datasets", "{\"train\": \"faces\"}",
                "model_name", MODEL, "epochs", "1"));
        assertThat(task.status()).as(task.text()).isEqualTo(200);
        JsonNode poll = Tasks.await(api, task.json().get("task_id").asText(), p -> p.get("ready").asBoolean(),
                Duration.ofMinutes(3));
        assertThat(poll.get("successful").asBoolean()).as(poll.toString()).isTrue();
        Reply promoted = api.postJson("/api/2.0/mlflow/model-versions/transition-stage", Map.of("name", MODEL,
                "version", poll.at("/value/model_version").asText(), "stage", "Production"));
        assertThat(promoted.status()).as(promoted.text()).isEqualTo(200);
    }

    @AfterAll
    void stop() {
        node.close();
    }

    @Test
    void theSeriesAreThereWithTheirLabelsAndGrow() throws Exception {
        assertThat(infer().status()).isEqualTo(200);
        String first = scrape();
        String inference = "chimp_inference_seconds_count{model=\"" + MODEL + "\",version=\"1\"}";
        String inferRoute = "http_server_requests_seconds_count{method=\"POST\",route=\"/model/{name}/infer\",status=\"200\"}";
        assertThat(value(first, inference)).isGreaterThanOrEqualTo(1);
        assertThat(first).contains("chimp_job_duration_seconds_count{outcome=\"success\",plugin=\"image-classifier\","
                + "queue=\"training\",type=\"training\"} 1");
        assertThat(first).contains("chimp_jobs{queue=\"training\",state=\"queued\"} 0")
                .contains("chimp_jobs{queue=\"training\",state=\"running\"} 0");
        assertThat(first).containsPattern("chimp_worker_heartbeat_age_seconds\\{state=\"running\",worker=\"[^\"]+\"} [0-9.]+");
        assertThat(first).contains("chimp_model_loaded_version{model=\"" + MODEL + "\",stage=\"Production\"} 1.0")
                .contains("chimp_model_personal_loaded 0.0");
        assertThat(first).contains("http_server_requests_seconds_bucket{method=\"POST\",route=\"/model/{name}/infer\","
                + "status=\"200\",le=\"0.1\"}");
        assertThat(first).contains("chimp_inference_seconds_bucket{model=\"" + MODEL + "\",version=\"1\",le=\"0.01\"}");
        for (String jvmAndPools : List.of("jvm_memory_used_bytes{", "jvm_gc_", "jvm_threads_live_threads",
                "hikaricp_connections_active{pool=\"chimp\"}", "jetty_threads_current{port=", "process_cpu_usage")) {
            assertThat(first).as(jvmAndPools).contains(jvmAndPools);
        }

        assertThat(infer().status()).isEqualTo(200);
        assertThat(api.postJson("/v2/models/" + MODEL + "/infer", Map.of("inputs", List.of(Map.of("name", "image",
                "datatype", "BYTES", "shape", List.of(1), "data", List.of(face()))))).status()).isEqualTo(200);
        String oipRoute = "http_server_requests_seconds_count{method=\"POST\",route=\"/v2/models/{name}/infer\",status=\"200\"}";
        String second = awaitScrape(s -> value(s, inferRoute) >= value(first, inferRoute) + 1 && value(s, oipRoute) >= 1);
        assertThat(value(second, inference)).isGreaterThanOrEqualTo(value(first, inference) + 2);
    }

    @Test
    void hostileUrlsAndMethodsAddNoSeries() throws Exception {
        List<String> junk = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String u = UUID.randomUUID().toString();
            junk.add(u);
            assertThat(api.get("/no/such/" + u).status()).isEqualTo(404);
            assertThat(api.postJson("/model/" + u + "/infer", Map.of("inputs", face())).status()).isEqualTo(404);
            assertThat(api.getWithoutToken("/datasets/" + u + "?x=" + u).status()).isEqualTo(401);
        }
        rawRequest("FROBNICATE /x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\nConnection: close\r\n\r\n");
        String s = awaitScrape(t -> value(t, "http_server_requests_seconds_count{method=\"GET\",route=\"unmatched\",status=\"404\"}") >= 40);
        for (String u : junk) {
            assertThat(s).doesNotContain(u);
        }
        assertThat(s).contains("route=\"/model/{name}/infer\",status=\"404\"")
                .contains("route=\"/datasets/{name}\",status=\"401\"")
                .doesNotContain("FROBNICATE");
        Set<String> routes = new TreeSet<>();
        Matcher m = Pattern.compile("route=\"([^\"]*)\"").matcher(s);
        while (m.find()) {
            routes.add(m.group(1));
        }
        assertThat(routes).as("route labels are registered routes or the two catch-alls")
                .allMatch(r -> r.equals("unmatched") || r.equals("static") || node.endpoints(Role.TRAINING).stream()
                        .anyMatch(e -> e.endsWith(" " + r)));
    }

    @Test
    void metricsAreForAdminsAndTheScrapeTokenAlone() throws Exception {
        assertThat(api.getWithoutToken("/metrics").status()).isEqualTo(401);
        ApiClient scraper = new ApiClient(node.port(Role.TRAINING), SCRAPE);
        Reply scraped = scraper.get("/metrics");
        assertThat(scraped.status()).isEqualTo(200);
        assertThat(scraped.text()).contains("# TYPE http_server_requests_seconds histogram");
        assertThat(scraper.get("/jobs").status()).as("the scrape token opens /metrics only").isEqualTo(401);
        assertThat(scraper.get("/api/2.0/chimp/whoami").status()).isEqualTo(401);
    }

    @Test
    void requestIdsAreEchoedLoggedAsJsonAndReplacedWhenUnsafe() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger access = context.getLogger(HttpObserver.ACCESS_LOGGER);
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(LogFormat.encoder(context));
        appender.setOutputStream(lines);
        appender.start();
        Level was = access.getLevel();
        access.setLevel(Level.INFO);
        access.setAdditive(false); // to the test's appender only
        access.addAppender(appender);
        try {
            HttpResponse<String> good = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs?limit=1"))
                    .header("Authorization", "Bearer " + TOKEN).header("X-Request-Id", "trace-42.abc_DEF").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(good.headers().firstValue("X-Request-Id")).hasValue("trace-42.abc_DEF");
            String tooLong = "a".repeat(65);
            HttpResponse<String> longOne = http.send(HttpRequest.newBuilder(URI.create(base + "/health"))
                    .header("X-Request-Id", tooLong).GET().build(), HttpResponse.BodyHandlers.ofString());
            String replaced = longOne.headers().firstValue("X-Request-Id").orElseThrow();
            assertThat(replaced).matches("[0-9a-f]{32}");
            // Tabs and quotes are legal in a header value (Jetty itself answers 400 to control characters).
            String raw = rawRequest("GET /health HTTP/1.1\r\nHost: x\r\nX-Request-Id: forged\t\"level\":\"ERROR\"\r\n"
                    + "Connection: close\r\n\r\n");
            assertThat(raw).startsWith("HTTP/1.1 200").doesNotContain("forged").containsPattern("X-Request-Id: [0-9a-f]{32}");

            List<JsonNode> events = awaitLines(lines, 3);
            JsonNode mine = events.stream().filter(e -> "trace-42.abc_DEF".equals(e.at("/mdc/request_id").asText()))
                    .findFirst().orElseThrow(() -> new AssertionError("no access line with the request id: " + events));
            assertThat(mine.get("level").asText()).isEqualTo("INFO");
            assertThat(mine.get("formattedMessage").asText()).startsWith("GET /jobs 200 ");
            assertThat(mine.get("kvpList").toString()).contains("\"route\":\"/jobs\"").contains("\"principal\":\"admin\"")
                    .contains("\"status\":\"200\"").contains("duration_ms");
            assertThat(events).anySatisfy(e -> assertThat(e.at("/mdc/request_id").asText()).isEqualTo(replaced));
            assertThat(lines.toString(StandardCharsets.UTF_8)).doesNotContain(tooLong).doesNotContain("forged")
                    .doesNotContain(TOKEN);
        } finally {
            access.detachAppender(appender);
            access.setLevel(was);
            access.setAdditive(true);
            appender.stop();
        }
    }

    @Test
    void aWorkerServesMetricsOnItsOwnPort() throws Exception {
        NodeSettings settings = new NodeSettings(dir.resolve("worker"), null, "embedded", null, TOKEN);
        try (ChimpNode worker = ChimpNode.start(settings, Map.of(0, Set.of()), new WorkerSettings(List.of("training"), 1))) {
            ApiClient client = new ApiClient(worker.httpPorts().get(0), TOKEN);
            Reply scraped = client.get("/metrics");
            assertThat(scraped.status()).isEqualTo(200);
            assertThat(scraped.text()).contains("chimp_jobs{queue=\"training\",state=\"queued\"} 0")
                    .contains("chimp_worker_heartbeat_age_seconds{").contains("jvm_memory_used_bytes{")
                    .doesNotContain("chimp_model_loaded_version");
            assertThat(client.getWithoutToken("/health").status()).isEqualTo(200);
            assertThat(client.get("/jobs").status()).as("a worker's port serves no API").isEqualTo(404);
        }
    }

    /** Every line parsed as JSON, once at least {@code n} are there (the access line follows the response). */
    private static List<JsonNode> awaitLines(ByteArrayOutputStream out, int n) {
        return Awaitility.await().alias("at least " + n + " log lines").atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    List<JsonNode> parsed = new ArrayList<>();
                    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
                        if (!line.isBlank()) {
                            parsed.add(ApiClient.JSON.readTree(line)); // each line is one JSON object, or this throws
                        }
                    }
                    return parsed;
                }, parsed -> parsed.size() >= n);
    }

    private Reply infer() throws Exception {
        return api.postJson("/model/" + MODEL + "/infer", Map.of("inputs", face()));
    }

    private String scrape() throws Exception {
        Reply r = api.get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        return r.text();
    }

    /** Scrapes until {@code until} holds: a request is counted just after its response has been sent. */
    private String awaitScrape(java.util.function.Predicate<String> until) {
        // On time-out the failure shows the last scrape; the ceiling is for a loaded machine.
        return Awaitility.await().alias("the scrape shows the requests").atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50)).until(this::scrape, until);
    }

    /** The value of one series, 0 if absent. */
    private static double value(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        return 0;
    }

    /**
     * The whole response to a request sent as raw bytes with {@code Connection: close}: read until the server closes
     * (one read may return only part of it), with a read timeout for a loaded machine.
     */
    private String rawRequest(String request) throws Exception {
        assertThat(request).contains("Connection: close\r\n");
        try (Socket s = new Socket("127.0.0.1", node.port(Role.TRAINING))) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static String face() {
        return Base64.getEncoder().encodeToString(SyntheticFaces.png(SyntheticFaces.Expression.values()[0], new Random(3), 48));
    }
}
