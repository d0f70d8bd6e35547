package org.chimp.jobs.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.TestDatabases;
import org.chimp.http.HttpErrors;
import org.chimp.http.Json;
import org.chimp.jobs.Job;
import org.chimp.jobs.JobRequest;
import org.chimp.jobs.Callback;
import org.chimp.jobs.JobService;
import org.chimp.jobs.JobState;
import org.chimp.jobs.Worker;
import org.chimp.jobs.WorkerOptions;
import org.chimp.jobs.embedded.EmbeddedBroker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JobRoutesTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private record Reply(int status, JsonNode body) {
    }

    private Reply call(Javalin app, String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), Json.MAPPER.readTree(r.body()));
    }

    /** The job routes on a free port, with the error shape. */
    private static Javalin serve(JobService jobs) {
        Javalin app = Javalin.create(c -> c.showJavalinBanner = false);
        HttpErrors.install(app);
        new JobRoutes(jobs).addTo(app);
        return app.start(0);
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void listsInspectsAndCancelsJobs(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open(); EmbeddedBroker broker = new EmbeddedBroker(ds, Duration.ofSeconds(30))) {
            JobService jobs = new JobService(ds, broker);
            Javalin app = serve(jobs);
            try {
                Callback cb = new Callback("later", "notify", JsonNodeFactory.instance.objectNode().put("to", "me"));
                Job a = jobs.submit(JobRequest.of("training", "fit", JsonNodeFactory.instance.objectNode().put("epochs", 2))
                        .withOnFailure(cb));
                Job b = jobs.submit(JobRequest.of("inference", "run", JsonNodeFactory.instance.objectNode()));

                Reply one = call(app, "GET", "/jobs/" + a.id());
                assertThat(one.status()).isEqualTo(200);
                JsonNode j = one.body();
                assertThat(j.get("id").asText()).isEqualTo(a.id());
                assertThat(j.get("queue").asText()).isEqualTo("training");
                assertThat(j.get("state").asText()).isEqualTo("queued");
                assertThat(j.get("max_attempts").asInt()).isEqualTo(3);
                assertThat(j.get("payload").get("epochs").asInt()).isEqualTo(2);
                assertThat(j.get("progress").isNull()).isTrue();
                assertThat(j.get("started_at").isNull()).isTrue();
                assertThat(Instant.parse(j.get("created_at").asText())).isEqualTo(a.createdAt());
                // The whole shape: every field present, null when unknown.
                JsonNode expected = Json.MAPPER.readTree(("""
                        {"id": "%s", "queue": "training", "type": "fit", "state": "queued", "attempts": 0,
                         "max_attempts": 3, "priority": 0, "payload": {"epochs": 2}, "progress": null, "result": null,
                         "error": null, "created_at": "%s", "started_at": null, "next_attempt_at": null,
                         "finished_at": null, "queued_ms": null, "run_ms": null, "worker_id": null,
                         "cancel_requested": false, "dead_lettered": false, "error_history": [],
                         "callbacks": {"on_success": null,
                                       "on_failure": {"queue": "later", "type": "notify", "payload": {"to": "me"}},
                                       "pending": false, "job_id": null}}
                        """).formatted(a.id(), a.createdAt()));
                assertThat(j).isEqualTo(expected);
                assertThat(call(app, "GET", "/jobs?queue=training&limit=5").body()).isEqualTo(Json.MAPPER.createObjectNode()
                        .<ObjectNode>set("jobs", Json.MAPPER.createArrayNode().add(expected))
                        .put("total", 1).put("offset", 0).put("limit", 5).putNull("next_offset"));

                Reply page = call(app, "GET", "/jobs?queue=inference&state=QUEUED&limit=10");
                assertThat(page.status()).isEqualTo(200);
                assertThat(page.body().get("total").asLong()).isEqualTo(1);
                assertThat(page.body().get("jobs")).hasSize(1);
                assertThat(page.body().get("jobs").get(0).get("id").asText()).isEqualTo(b.id());
                assertThat(call(app, "GET", "/jobs?offset=1&limit=1").body().get("jobs").get(0).get("id").asText())
                        .isEqualTo(a.id());

                Reply cancelled = call(app, "POST", "/jobs/" + a.id() + "/cancel");
                assertThat(cancelled.status()).isEqualTo(200);
                assertThat(cancelled.body().get("state").asText()).isEqualTo("cancelled");
                assertThat(cancelled.body().get("finished_at").isNull()).isFalse();
                Reply again = call(app, "POST", "/jobs/" + a.id() + "/cancel");
                assertThat(again.status()).isEqualTo(409);
                assertThat(again.body().get("message").asText()).contains("already cancelled");
            } finally {
                app.stop();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void badRequestsAre4xxWithMessages(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open(); EmbeddedBroker broker = new EmbeddedBroker(ds)) {
            Javalin app = serve(new JobService(ds, broker));
            try {
                Reply badState = call(app, "GET", "/jobs?state=done");
                assertThat(badState.status()).isEqualTo(400);
                assertThat(badState.body().get("message").asText())
                        .contains("'done'", "queued, running, succeeded, failed, cancelled");
                assertThat(call(app, "GET", "/jobs?limit=0").status()).isEqualTo(400);
                Reply missing = call(app, "GET", "/jobs/nope");
                assertThat(missing.status()).isEqualTo(404);
                assertThat(missing.body().get("message").asText()).isEqualTo("no job nope");
                assertThat(call(app, "POST", "/jobs/nope/cancel").status()).isEqualTo(404);
            } finally {
                app.stop();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void showsWorkersTimingsCallbacksDeadLettersAndRetries(TestDatabases.Kind kind) throws Exception {
        try (HikariDataSource ds = kind.open(); EmbeddedBroker broker = new EmbeddedBroker(ds, Duration.ofSeconds(30))) {
            JobService jobs = new JobService(ds, broker);
            Javalin app = serve(jobs);
            WorkerOptions options = WorkerOptions.defaults().withGracePeriod(Duration.ofSeconds(5));
            try (Worker worker = new Worker(jobs, broker, Map.of("ok", ctx -> JsonNodeFactory.instance.objectNode(),
                    "bad", ctx -> {
                        throw ClientErrorException.invalid("bad input");
                    }), List.of("work"), options)) {
                worker.start();
                Reply workers = call(app, "GET", "/workers");
                assertThat(workers.status()).isEqualTo(200);
                JsonNode w = workers.body().get("workers").get(0);
                assertThat(w.get("id").asText()).isEqualTo(worker.id());
                assertThat(w.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
                assertThat(w.get("queues").get(0).asText()).isEqualTo("work");
                assertThat(w.get("concurrency").asInt()).isEqualTo(1);
                assertThat(w.get("alive").asBoolean()).isTrue();
                assertThat(w.get("current_jobs").isArray()).isTrue();
                assertThat(Instant.parse(w.get("last_heartbeat").asText())).isNotNull();

                Callback cb = new Callback("later", "notify", JsonNodeFactory.instance.objectNode().put("to", "me"));
                Job ok = jobs.submit(JobRequest.of("work", "ok", null).withOnSuccess(cb));
                Job bad = jobs.submit(JobRequest.of("work", "bad", null));
                await(() -> jobs.get(ok.id()).state() == JobState.SUCCEEDED && jobs.get(bad.id()).state() == JobState.FAILED);
                JsonNode j = call(app, "GET", "/jobs/" + ok.id()).body();
                assertThat(j.get("worker_id").asText()).isEqualTo(worker.id());
                assertThat(j.get("queued_ms").asLong()).isNotNegative();
                assertThat(j.get("run_ms").asLong()).isNotNegative();
                assertThat(j.get("dead_lettered").asBoolean()).isFalse();
                assertThat(j.at("/callbacks/on_success/queue").asText()).isEqualTo("later");
                assertThat(j.at("/callbacks/on_success/payload/to").asText()).isEqualTo("me");
                assertThat(j.at("/callbacks/on_failure").isNull()).isTrue();
                await(() -> jobs.get(ok.id()).callbacks().jobId() != null);
                assertThat(call(app, "GET", "/jobs/" + ok.id()).body().at("/callbacks/job_id").asText())
                        .isEqualTo(jobs.get(ok.id()).callbacks().jobId());

                Reply dead = call(app, "GET", "/jobs?state=failed&dead_lettered=true");
                assertThat(dead.body().get("total").asLong()).isEqualTo(1);
                assertThat(dead.body().get("jobs").get(0).get("id").asText()).isEqualTo(bad.id());
                assertThat(dead.body().get("jobs").get(0).get("error").asText()).isEqualTo("bad input");
                assertThat(call(app, "GET", "/jobs?dead_lettered=maybe").status()).isEqualTo(400);

                Reply refused = call(app, "POST", "/jobs/" + ok.id() + "/retry");
                assertThat(refused.status()).isEqualTo(409);
                assertThat(refused.body().get("message").asText()).contains("succeeded", "not dead-lettered");
                await(() -> broker.missing(List.of(bad.id())).orElseThrow().contains(bad.id()));
                Reply retried = call(app, "POST", "/jobs/" + bad.id() + "/retry");
                assertThat(retried.status()).isEqualTo(200);
                assertThat(retried.body().get("dead_lettered").asBoolean()).isFalse();
                assertThat(retried.body().get("state").asText()).isEqualTo("queued");
                assertThat(retried.body().get("attempts").asInt()).isZero();
                assertThat(retried.body().get("error_history").get(0).get("error").asText()).isEqualTo("bad input");
                await(() -> jobs.get(bad.id()).state() == JobState.FAILED);

                Reply first = call(app, "GET", "/jobs?limit=2");
                assertThat(first.body().get("total").asLong()).isEqualTo(3); // ok, bad and the callback job
                assertThat(first.body().get("next_offset").asInt()).isEqualTo(2);
                assertThat(call(app, "GET", "/jobs?offset=2&limit=2").body().get("next_offset").isNull()).isTrue();
            } finally {
                app.stop();
            }
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                .until(condition::getAsBoolean);
    }
}
