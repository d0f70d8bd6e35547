package org.chimp.jobs.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.chimp.db.TestDatabases;
import org.chimp.jobs.Job;
import org.chimp.jobs.JobRequest;
import org.chimp.jobs.JobService;
import org.chimp.jobs.JobState;
import org.chimp.jobs.Worker;
import org.chimp.jobs.WorkerOptions;
import org.chimp.jobs.broker.BrokerOptions;
import org.chimp.jobs.broker.Delivery;
import org.chimp.jobs.broker.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis killed (SIGKILL) and restarted while messages are queued, held and delayed: with the settings BROKERS.md
 * asks for (AOF with {@code appendfsync always}) nothing acknowledged is lost. Runs a private redis-server on a
 * free port, so the shared one is left alone.
 */
@Tag("slow")
class RedisRestartTest {
    private static final Duration LONG = Duration.ofSeconds(30);
    private static final Duration VISIBILITY = Duration.ofSeconds(1);

    @TempDir
    Path dir;
    private Process redis;
    private int port;

    @BeforeEach
    void startRedis() throws Exception {
        assumeTrue(redisServer() != null || "1".equals(System.getenv("CHIMP_REQUIRE_SERVICES")),
                "redis-server is not installed");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        start();
    }

    @AfterEach
    void stopRedis() {
        if (redis != null) {
            redis.destroyForcibly();
        }
    }

    @Test
    void queuedHeldAndDelayedMessagesSurviveAKilledRedis() throws Exception {
        BrokerOptions options = BrokerOptions.DEFAULTS.withVisibilityTimeout(VISIBILITY);
        List<Message> messages = IntStream.range(0, 20).mapToObj(i -> new Message("q", "job-" + i, i % 10)).toList();
        Set<String> acked = new HashSet<>();
        String delayed;
        try (RedisStreamsBroker before = new RedisStreamsBroker(url(), options)) {
            before.publishAll(messages);
            List<Delivery> held = receive(before, 5);
            before.ackAll(held.subList(0, 2));
            held.subList(0, 2).forEach(d -> acked.add(d.jobId()));
            delayed = held.get(2).jobId();
            before.release(held.get(2), Duration.ofSeconds(2));
            // held.get(3) and held.get(4) stay unacked: their receiver "dies" with Redis.
            kill();
            start();
        }

        try (RedisStreamsBroker after = new RedisStreamsBroker(url(), options)) {
            Set<String> got = new HashSet<>();
            Awaitility.await("18 messages").atMost(LONG).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        List<Delivery> some = after.receive(List.of("q"), Duration.ofSeconds(1), 20);
                        some.forEach(d -> assertThat(got.add(d.jobId())).as("delivered once: " + d.jobId()).isTrue());
                        after.ackAll(some);
                        return got.size() >= 18;
                    });
            Set<String> expected = new HashSet<>(messages.stream().map(Message::jobId).toList());
            expected.removeAll(acked);
            assertThat(got).containsExactlyInAnyOrderElementsOf(expected).contains(delayed);
            assertThat(after.receive(List.of("q"), VISIBILITY.multipliedBy(2), 20)).isEmpty();
        }
    }

    @Test
    void jobsSubmittedBeforeAKilledRedisAllSucceedOnce() throws Exception {
        BrokerOptions options = BrokerOptions.DEFAULTS.withVisibilityTimeout(Duration.ofSeconds(3));
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        try (HikariDataSource ds = TestDatabases.h2(); RedisStreamsBroker broker = new RedisStreamsBroker(url(), options)) {
            JobService jobs = new JobService(ds, broker);
            List<Job> submitted = new ArrayList<>(jobs.submitAll(Collections.nCopies(60, JobRequest.of("q", "t", null))));
            WorkerOptions workerOptions = WorkerOptions.defaults().withConcurrency(2).withGracePeriod(Duration.ofSeconds(5));
            try (Worker worker = new Worker(jobs, broker, Map.of("t", ctx -> {
                runs.computeIfAbsent(ctx.job().id(), k -> new AtomicInteger()).incrementAndGet();
                Thread.sleep(20);
                return null;
            }), List.of("q"), workerOptions)) {
                worker.start();
                await(() -> jobs.count(JobState.SUCCEEDED, "q") >= 10, "some jobs to succeed");
                kill();
                Thread.sleep(500);
                start();
                await(() -> jobs.count(JobState.SUCCEEDED, "q") == 60, "all 60 jobs to succeed after the restart");
            }
            assertThat(runs).hasSize(60);
            assertThat(submitted).allSatisfy(j -> assertThat(jobs.get(j.id()).attempts()).isEqualTo(1));
        }
    }

    private static List<Delivery> receive(RedisStreamsBroker broker, int n) {
        List<Delivery> got = new ArrayList<>();
        while (got.size() < n) {
            got.addAll(broker.receive(List.of("q"), LONG, n - got.size()));
        }
        return got;
    }

    private String url() {
        return "redis://127.0.0.1:" + port;
    }

    private void start() throws IOException, InterruptedException {
        File log = dir.resolve("redis.log").toFile();
        redis = new ProcessBuilder(redisServer(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always", "--save", "")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
        try {
            // Loading the AOF answers LOADING errors until done.
            Awaitility.await("redis-server to start").atMost(LONG).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
                        try (StatefulRedisConnection<String, String> c = client.connect()) {
                            return "PONG".equals(c.sync().ping());
                        }
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("redis-server did not start: " + Files.readString(log.toPath()), e);
        } finally {
            client.shutdown();
        }
    }

    private void kill() throws InterruptedException {
        redis.destroyForcibly().waitFor();
    }

    private static String redisServer() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(d, "redis-server");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) {
        Awaitility.await(what).atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                .until(condition::getAsBoolean);
    }
}
