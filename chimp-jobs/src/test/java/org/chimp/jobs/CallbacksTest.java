package org.chimp.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CallbacksTest {
    private static final ObjectNode PAYLOAD = JsonNodeFactory.instance.objectNode().put("n", 21);
    private static final ObjectNode NOTE = JsonNodeFactory.instance.objectNode().put("note", "x");
    private static final Callback ON_SUCCESS = new Callback("cb", "after", NOTE);
    private static final Callback ON_FAILURE = new Callback("cb", "failed", null);
    private static final JobHandler DOUBLE = ctx -> JsonNodeFactory.instance.objectNode()
            .put("doubled", ctx.job().payload().get("n").asInt() * 2);

    /** The payloads callback handlers received, per type. */
    private final List<JsonNode> after = new CopyOnWriteArrayList<>();
    private final List<JsonNode> failed = new CopyOnWriteArrayList<>();

    private Map<String, JobHandler> handlers(JobHandler parent) {
        return Map.of("t", parent, "after", ctx -> {
            after.add(ctx.job().payload());
            return null;
        }, "failed", ctx -> {
            failed.add(ctx.job().payload());
            return null;
        });
    }

    private static JobRequest request() {
        return JobRequest.of("q", "t", PAYLOAD).withOnSuccess(ON_SUCCESS).withOnFailure(ON_FAILURE);
    }

    private static Job awaitCallback(Fixture f, String parentId) {
        Fixture.await(() -> f.jobs.get(parentId).callbacks().jobId() != null, "the callback of " + parentId);
        return f.awaitState(f.jobs.get(parentId).callbacks().jobId(), JobState.SUCCEEDED);
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aSuccessCallbackRunsOnceWithTheParentsIdAndResult(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            f.worker(handlers(DOUBLE), List.of("q", "cb"), Fixture.OPTIONS);
            Job parent = f.awaitState(f.jobs.submit(request()).id(), JobState.SUCCEEDED);
            Job child = awaitCallback(f, parent.id());
            assertThat(child.idempotencyKey()).isEqualTo(parent.id() + ":on-success");
            assertThat(after).hasSize(1);
            JsonNode p = after.get(0);
            assertThat(p.get("note").asText()).isEqualTo("x");
            assertThat(p.at("/parent/id").asText()).isEqualTo(parent.id());
            assertThat(p.at("/parent/state").asText()).isEqualTo("succeeded");
            assertThat(p.at("/parent/result/doubled").asInt()).isEqualTo(42);
            assertThat(failed).isEmpty();
            assertThat(f.jobs.count(null, "cb")).isEqualTo(1);
            Job stored = f.jobs.get(parent.id());
            assertThat(stored.callbacks().pending()).isFalse();
            assertThat(stored.callbacks().onSuccess()).isEqualTo(ON_SUCCESS);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aFailureCallbackGetsTheParentsErrorAndACancelRunsNone(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            f.worker(handlers(ctx -> {
                throw ClientErrorException.invalid("n must be even");
            }), List.of("q", "cb"), Fixture.OPTIONS);
            Job parent = f.awaitState(f.jobs.submit(request()).id(), JobState.FAILED);
            Job child = awaitCallback(f, parent.id());
            assertThat(child.idempotencyKey()).isEqualTo(parent.id() + ":on-failure");
            assertThat(failed).hasSize(1);
            assertThat(failed.get(0).at("/parent/error").asText()).isEqualTo("n must be even");
            assertThat(failed.get(0).at("/parent/state").asText()).isEqualTo("failed");
            assertThat(after).isEmpty();

            Job cancelled = f.jobs.cancel(f.jobs.submit(JobRequest.of("other", "t", PAYLOAD)
                    .withOnSuccess(ON_SUCCESS).withOnFailure(ON_FAILURE)).id());
            assertThat(cancelled.callbacks().pending()).isFalse();
            assertThat(f.jobs.count(null, "cb")).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void theCallbackRunsOnceWhenTheOutcomePathRunsTwice(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            f.worker(handlers(DOUBLE), List.of("q", "cb"), Fixture.OPTIONS);
            Job parent = f.awaitState(f.jobs.submit(request()).id(), JobState.SUCCEEDED);
            String childId = awaitCallback(f, parent.id()).id();

            // As if the worker crashed after storing the outcome and before clearing the flag and acking: the
            // parent is delivered again and the worker finishes the outcome path a second time.
            f.sql("UPDATE jobs_jobs SET callback_pending = TRUE WHERE id = ?", parent.id());
            f.broker.publish("q", parent.id(), 0);
            Fixture.await(() -> !f.jobs.get(parent.id()).callbacks().pending(), "the second outcome path");
            // And once more directly, as the recovery sweep would.
            f.sql("UPDATE jobs_jobs SET callback_pending = TRUE WHERE id = ?", parent.id());
            f.jobs.callbacks().dispatch(f.jobs.get(parent.id()));

            assertThat(f.jobs.get(parent.id()).callbacks().jobId()).isEqualTo(childId);
            assertThat(f.jobs.count(null, "cb")).isEqualTo(1);
            assertThat(f.jobs.get(childId).attempts()).isEqualTo(1);
            assertThat(after).hasSize(1);
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aCallbackWhoseSubmitFailedIsSubmittedByTheRecoverySweep(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            TestBroker down = new TestBroker(f.broker);
            down.failPublishTo = "cb"::equals;
            JobService failing = new JobService(f.ds, down);
            f.start(new Worker(failing, f.broker, handlers(DOUBLE), List.of("q", "cb"), Fixture.OPTIONS));
            Job parent = f.awaitState(f.jobs.submit(request()).id(), JobState.SUCCEEDED);
            Fixture.await(() -> f.broker.missing(List.of(parent.id())).orElseThrow().contains(parent.id()),
                    "the parent's ack");
            Job pending = f.jobs.get(parent.id());
            assertThat(pending.callbacks().pending()).isTrue();
            assertThat(pending.callbacks().jobId()).isNull();
            assertThat(f.jobs.list(null, "cb", 0, 10)).singleElement()
                    .satisfies(j -> assertThat(j.state()).isEqualTo(JobState.QUEUED));

            assertThat(f.jobs.recover()).isZero(); // too fresh: a worker may be submitting it right now
            f.age(parent.id());
            assertThat(f.jobs.recover()).isEqualTo(1);
            Job child = awaitCallback(f, parent.id());
            assertThat(child.attempts()).isEqualTo(1);
            assertThat(after).hasSize(1);
            assertThat(f.jobs.count(null, "cb")).isEqualTo(1);
            assertThat(f.jobs.recover()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void invalidCallbacksAre400sAndRecordNothing(TestDatabases.Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            ObjectNode withParent = JsonNodeFactory.instance.objectNode();
            withParent.putObject("parent");
            for (Callback bad : List.of(new Callback("bad queue!", "after", null), new Callback("cb", "", null),
                    new Callback("cb", "after", JsonNodeFactory.instance.arrayNode()), new Callback("cb", "after", withParent))) {
                assertThatThrownBy(() -> f.jobs.submit(JobRequest.of("q", "t", PAYLOAD).withOnSuccess(bad)))
                        .isInstanceOfSatisfying(ClientErrorException.class, e -> {
                            assertThat(e.status()).isEqualTo(400);
                            assertThat(e.getMessage()).contains("onSuccess callback");
                        });
            }
            assertThat(f.jobs.count(JobFilter.ALL)).isZero();
        }
    }
}
