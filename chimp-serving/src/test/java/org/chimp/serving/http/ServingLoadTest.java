package org.chimp.serving.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.chimp.http.Json;
import org.chimp.serving.QueueConfig;
import org.chimp.serving.ServingFixture;
import org.chimp.tracking.registry.Stage;
import org.junit.jupiter.api.Test;

/** Serving under concurrent load: dynamic batching, the queue bound, and swaps while requests run. */
class ServingLoadTest extends ServingAppPerTest {
    private static final String TOP = "{\"inputs\": [[255, 255], [0, 0]]}";
    private static final String BOTTOM = "{\"inputs\": [[0, 0], [255, 255]]}";

    @Test
    void batchedRequestsEachGetTheirOwnAnswer() throws Exception {
        int v = app.f.register("faces", ServingFixture.upright(), ServingFixture.LABELS);
        app.f.registry.setVersionTag("faces", v, QueueConfig.MAX_BATCH_TAG, "8");
        app.f.registry.setVersionTag("faces", v, QueueConfig.MAX_DELAY_TAG, "20");
        app.f.promote("faces", v, Stage.PRODUCTION);
        try (org.chimp.serving.Lease lease = app.f.deployments.get("faces", Stage.PRODUCTION)) {
            assertThat(lease.queueConfig()).isEqualTo(new QueueConfig(64, 8, 20));
        }
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> rights = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                boolean top = c % 2 == 0;
                rights.add(clients.submit(() -> {
                    for (int i = 0; i < 10; i++) {
                        JsonNode r = ServingApp.ok(app.send("POST", "/model/faces/infer", top ? TOP : BOTTOM));
                        if (!r.path("predicted_labels").get(0).asText().equals(top ? "top" : "bottom")) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> right : rights) {
                assertThat(right.get()).isTrue();
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void batchedOipFeatureTensorsEachGetTheirOwnAnswerAndABadOneOnlyFailsItself() throws Exception {
        int v = app.f.register("faces", ServingFixture.upright(), ServingFixture.LABELS);
        app.f.registry.setVersionTag("faces", v, QueueConfig.MAX_BATCH_TAG, "4");
        app.f.registry.setVersionTag("faces", v, QueueConfig.MAX_DELAY_TAG, "20");
        app.f.promote("faces", v, Stage.PRODUCTION);
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            List<Future<HttpResponse<String>>> sent = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                String data = c == 5 ? "[1, 1, 0]" : c % 2 == 0 ? "[1, 1, 0, 0]" : "[[0, 0, 1, 1]]";
                String shape = c == 5 ? "[1, 3]" : "[1, 4]";
                sent.add(clients.submit(() -> app.send("POST", "/v2/models/faces/infer", "{\"inputs\": [{\"name\": \"features\", "
                        + "\"shape\": " + shape + ", \"datatype\": \"FP32\", \"data\": " + data + "}]}")));
            }
            for (int c = 0; c < 5; c++) {
                JsonNode scores = ServingApp.ok(sent.get(c).get()).path("outputs").get(0).path("data");
                assertThat(scores.get(0).asDouble() > scores.get(1).asDouble()).as("client " + c).isEqualTo(c % 2 == 0);
            }
            ServingApp.error(sent.get(5).get(), 400, null);
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void moreRequestsThanTheQueueTakesGet503AtOnceThenServiceIsNormalWithNoThreadLeft() throws Exception {
        int v = app.f.register("faces", ServingFixture.upright(), ServingFixture.LABELS);
        // Two requests may be in flight; the batch holds them for up to a second, so the others find the queue full.
        app.f.registry.setVersionTag("faces", v, QueueConfig.QUEUE_TAG, "2");
        app.f.registry.setVersionTag("faces", v, QueueConfig.MAX_BATCH_TAG, "64");
        app.f.registry.setVersionTag("faces", v, QueueConfig.MAX_DELAY_TAG, "1000");
        app.f.promote("faces", v, Stage.PRODUCTION);
        ServingApp.ok(app.send("POST", "/model/faces/infer", TOP)); // loaded before counting threads
        int threadsBefore = servingThreads();
        ExecutorService clients = Executors.newFixedThreadPool(12);
        List<HttpResponse<String>> answers = new ArrayList<>();
        try {
            List<Future<HttpResponse<String>>> sent = new ArrayList<>();
            for (int c = 0; c < 12; c++) {
                sent.add(clients.submit(() -> app.send("POST", "/model/faces/infer", TOP)));
            }
            for (Future<HttpResponse<String>> f : sent) {
                answers.add(f.get());
            }
        } finally {
            clients.shutdownNow();
        }
        List<HttpResponse<String>> busy = answers.stream().filter(r -> r.statusCode() == 503).toList();
        assertThat(busy).isNotEmpty();
        assertThat(answers).allMatch(r -> r.statusCode() == 200 || r.statusCode() == 503);
        for (HttpResponse<String> r : busy) {
            assertThat(r.headers().firstValue("Retry-After")).contains("1");
            assertThat(Json.MAPPER.readTree(r.body()).path("message").asText()).contains("requests in flight");
        }
        assertThat(ServingApp.ok(app.send("POST", "/model/faces/infer", TOP)).path("predicted_labels").get(0).asText())
                .isEqualTo("top");
        assertThat(servingThreads()).as("threads now: " + Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList())
                .isLessThanOrEqualTo(threadsBefore);
    }

    @Test
    void promotionAndRollbackUnderLoadFailNoRequestAndSwitchTheAnswers() throws Exception {
        int v1 = app.f.registerIn("faces", ServingFixture.upright(), Stage.PRODUCTION);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        // The load client's answers in order: it must see each version itself, not only the probes of awaitAnswer.
        ConcurrentLinkedDeque<String> seen = new ConcurrentLinkedDeque<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread client = new Thread(() -> {
            while (!stop.get()) {
                try {
                    HttpResponse<String> r = app.send("POST", "/model/faces/infer", TOP);
                    if (r.statusCode() != 200) {
                        failures.add(r.statusCode() + " " + r.body());
                    } else {
                        seen.add(label(r));
                    }
                } catch (RuntimeException e) {
                    failures.add(e.toString()); // a dead client thread would otherwise pass for one that saw no failure
                    return;
                }
            }
        });
        client.start();
        try {
            awaitAnswer("top");
            awaitClientSaw("top", seen, failures);
            int v2 = app.f.register("faces", ServingFixture.flipped(), ServingFixture.LABELS);
            app.f.promote("faces", v2, Stage.PRODUCTION);
            app.f.settle();
            awaitAnswer("bottom"); // the flipped model calls a bright top row "bottom"
            // On a loaded machine the client may get no request through between the swap and the rollback; the
            // rollback waits until it has, so "under load" holds however slowly the client runs.
            awaitClientSaw("bottom", seen, failures);
            app.f.promote("faces", v1, Stage.PRODUCTION);
            app.f.settle();
            awaitAnswer("top");
            awaitClientSaw("top", seen, failures);
        } finally {
            stop.set(true);
            client.join();
        }
        assertThat(failures).isEmpty();
        assertThat(seen).containsSubsequence("top", "bottom", "top");
    }

    /** Waits until a fresh request answers this label (the swap is done). */
    private void awaitAnswer(String label) {
        // The build sets no test timeout, so the wait has its own bound, generous for a loaded machine; a swap
        // normally shows within milliseconds.
        Awaitility.await().alias("a fresh request answers " + label).atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5)).until(() -> label(app.send("POST", "/model/faces/infer", TOP)).equals(label));
    }

    /** Waits until the load client's latest answer is this label (or it failed, which the test then reports). */
    private static void awaitClientSaw(String label, ConcurrentLinkedDeque<String> seen, ConcurrentLinkedQueue<String> failures) {
        Awaitility.await().alias("the load client answered " + label).atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5)).until(() -> !failures.isEmpty() || label.equals(seen.peekLast()));
    }

    private static String label(HttpResponse<String> r) {
        try {
            return ServingApp.ok(r).path("predicted_labels").get(0).asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Live threads other than pools that grow and shrink on their own: Jetty's request threads, the HTTP client's,
     * the common fork-join pool and this test's client executors.
     */
    private static int servingThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> !n.startsWith("qtp") && !n.contains("Jetty") && !n.startsWith("HttpClient")
                        && !n.startsWith("ForkJoinPool") && !n.startsWith("pool-"))
                .count();
    }
}
