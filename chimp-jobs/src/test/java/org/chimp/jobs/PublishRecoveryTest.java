package org.chimp.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;
import org.chimp.db.TestDatabases;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.BrokerOptions;
import org.chimp.jobs.broker.TestServices;
import org.chimp.jobs.embedded.EmbeddedBroker;
import org.chimp.jobs.redis.RedisClients;
import org.chimp.jobs.redis.RedisStreamsBroker;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The outbox flag: a job whose publish failed (or whose process died before publishing) is published by the
 * recovery sweep and runs once, on every broker; duplicate messages of a job run it once.
 */
class PublishRecoveryTest {
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final WorkerOptions OPTIONS = Fixture.OPTIONS;

    /** A database and a broker on it (or beside it), cleaned up on close. */
    private interface Setup extends AutoCloseable {
        HikariDataSource ds();

        Broker broker();

        /** Messages of queue {@code q} not yet acknowledged (waiting, held or delayed). */
        long messages(String q);

        @Override
        void close();
    }

    static Stream<Named<String>> setups() {
        return Stream.of(Named.of("embedded on H2", "embedded-h2"), Named.of("embedded on PostgreSQL", "embedded-pg"),
                Named.of("Redis (H2)", "redis"));
    }

    private static Setup open(String which) {
        return switch (which) {
            case "embedded-h2" -> embedded(TestDatabases.h2());
            case "embedded-pg" -> embedded(TestDatabases.postgres());
            default -> redis();
        };
    }

    private static Setup embedded(HikariDataSource ds) {
        EmbeddedBroker broker = new EmbeddedBroker(ds, Fixture.VISIBILITY);
        return new Setup() {
            public HikariDataSource ds() {
                return ds;
            }

            public Broker broker() {
                return broker;
            }

            public long messages(String q) {
                return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT COUNT(*) FROM jobs_broker_messages WHERE queue = ?",
                        rs -> rs.getLong(1), q)).orElseThrow();
            }

            public void close() {
                broker.close();
                ds.close();
            }
        };
    }

    private static Setup redis() {
        String url = TestServices.requireRedis();
        String prefix = TestServices.unique("chimp:test:") + ":";
        HikariDataSource ds = TestDatabases.h2();
        RedisStreamsBroker broker = new RedisStreamsBroker(url, BrokerOptions.DEFAULTS
                .withVisibilityTimeout(Duration.ofSeconds(1)).withRedisKeyPrefix(prefix));
        RedisClient client = RedisClients.create(url, "chimp-test");
        StatefulRedisConnection<String, String> redis = client.connect();
        return new Setup() {
            public HikariDataSource ds() {
                return ds;
            }

            public Broker broker() {
                return broker;
            }

            public long messages(String q) {
                long n = redis.sync().zcard(prefix + q + ":delayed");
                for (int level = 0; level < 10; level++) {
                    n += redis.sync().xlen(prefix + q + ":" + level);
                }
                return n;
            }

            public void close() {
                broker.close();
                List<String> keys = redis.sync().keys(prefix + "*");
                if (!keys.isEmpty()) {
                    redis.sync().del(keys.toArray(String[]::new));
                }
                redis.close();
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                ds.close();
            }
        };
    }

    @ParameterizedTest
    @MethodSource("setups")
    void aJobWhosePublishFailedIsPublishedByTheSweepAndRunsOnce(String which) {
        try (Setup s = open(which)) {
            TestBroker failingOnce = new TestBroker(s.broker());
            AtomicBoolean failed = new AtomicBoolean();
            failingOnce.failPublishTo = q -> failed.compareAndSet(false, true);
            JobService jobs = new JobService(s.ds(), failingOnce);
            String id = jobs.submit(JobRequest.of("q", "t", null)).id();
            assertThat(failed).isTrue();
            assertThat(s.messages("q")).isZero();
            assertThat(jobs.recover()).isZero(); // too fresh: a submit may be about to publish it
            age(s.ds(), id);

            AtomicInteger runs = new AtomicInteger();
            try (Worker w = new Worker(jobs, failingOnce, Map.of("t", ctx -> {
                runs.incrementAndGet();
                return null;
            }), List.of("q"), OPTIONS.withGracePeriod(GRACE))) {
                w.start(); // its first sweep publishes the job
                Fixture.await(() -> jobs.get(id).state() == JobState.SUCCEEDED, "the job to run");
                Fixture.await(() -> s.messages("q") == 0, "the ack");
            }
            assertThat(runs).hasValue(1);
            assertThat(jobs.get(id).attempts()).isEqualTo(1);
            age(s.ds(), id);
            assertThat(jobs.recover()).isZero(); // published: nothing left for the sweep
        }
    }

    @ParameterizedTest
    @MethodSource("setups")
    void duplicateMessagesRunTheJobOnce(String which) {
        try (Setup s = open(which)) {
            JobService jobs = new JobService(s.ds(), s.broker());
            // Duplicates racing while it is queued (two receiving threads), then one of the finished job.
            String id = jobs.submit(JobRequest.of("q", "t", null)).id();
            s.broker().publish("q", id, 0);
            s.broker().publish("q", id, 0);
            AtomicInteger runs = new AtomicInteger();
            try (Worker w = new Worker(jobs, s.broker(), Map.of("t", ctx -> {
                runs.incrementAndGet();
                return null;
            }), List.of("q"), OPTIONS.withGracePeriod(GRACE))) {
                w.start();
                Fixture.await(() -> jobs.get(id).state() == JobState.SUCCEEDED, "the job to run");
                s.broker().publish("q", id, 0);
                Fixture.await(() -> s.messages("q") == 0, "every duplicate to be acked");
            }
            assertThat(runs).hasValue(1);
            assertThat(jobs.get(id).attempts()).isEqualTo(1);
        }
    }

    private static void age(HikariDataSource ds, String id) {
        Jdbc.withConnection(ds, c -> c.createStatement().executeUpdate(
                "UPDATE jobs_jobs SET updated_at = TIMESTAMP '2000-01-01 00:00:00' WHERE id = '" + id + "'"));
    }
}
