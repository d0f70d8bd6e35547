package org.chimp.jobs.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.rabbitmq.client.Connection;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.chimp.db.TestPorts;
import org.chimp.jobs.broker.BrokerOptions;
import org.chimp.jobs.broker.Delivery;
import org.chimp.jobs.broker.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RabbitMQ killed (SIGKILL) and restarted while messages are queued, held and delayed: confirmed publishes of
 * persistent messages to durable queues all come back. Runs a private RabbitMQ node (own name, ports and data
 * directory), so the shared one is left alone.
 */
@Tag("slow")
class RabbitMqRestartTest {
    private static final Path SERVER = Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server");
    private static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private Process rabbit;
    private int port;
    private int distPort;

    @BeforeEach
    void startRabbit() throws Exception {
        assumeTrue(Files.isExecutable(SERVER) || "1".equals(System.getenv("CHIMP_REQUIRE_SERVICES")),
                "RabbitMQ is not installed");
        int[] ports = TestPorts.free(2); // two separate calls could return the same port
        port = ports[0];
        distPort = ports[1];
        Files.writeString(dir.resolve("enabled_plugins"), "[].");
        Files.writeString(dir.resolve("rabbitmq.conf"), "listeners.tcp.default = " + port + "\n");
        Files.writeString(dir.resolve("env.conf"), "");
        start();
    }

    @AfterEach
    void stopRabbit() throws InterruptedException {
        if (rabbit != null) {
            kill();
        }
    }

    @Test
    void queuedHeldAndDelayedMessagesSurviveAKilledRabbitMq() throws Exception {
        List<Message> messages = IntStream.range(0, 20).mapToObj(i -> new Message("q", "job-" + i, i % 10)).toList();
        Set<String> acked = new HashSet<>();
        RabbitMqBroker before = new RabbitMqBroker(url(), BrokerOptions.DEFAULTS);
        try {
            before.publishAll(messages);
            List<Delivery> held = new ArrayList<>();
            while (held.size() < 5) {
                held.addAll(before.receive(List.of("q"), LONG, 5 - held.size()));
            }
            before.ackAll(held.subList(0, 2));
            held.subList(0, 2).forEach(d -> acked.add(d.jobId()));
            before.release(held.get(2), Duration.ofSeconds(2)); // confirmed into the delay queue, then acked
            // held.get(3) and held.get(4) stay unacked: their receiver "dies" with the broker.
            kill();
            start();
            publishUntilRecovered(before, "after-restart"); // the same instance reconnects by itself
        } finally {
            before.close();
        }

        Set<String> all = new HashSet<>(messages.stream().map(Message::jobId).toList());
        all.add("after-restart");
        Set<String> expected = new HashSet<>(all);
        expected.removeAll(acked);
        try (RabbitMqBroker after = new RabbitMqBroker(url(), BrokerOptions.DEFAULTS)) {
            Set<String> got = new HashSet<>();
            Awaitility.await("every confirmed message").atMost(LONG).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(1)).until(() -> {
                        List<Delivery> some = after.receive(List.of("q"), Duration.ofSeconds(1), 20);
                        some.forEach(d -> got.add(d.jobId()));
                        after.ackAll(some);
                        return got.containsAll(expected);
                    });
            // An ack is not flushed to disk before it is answered, so an acked message may come back after the
            // kill (a duplicate, which workers skip); a confirmed publish must never be missing.
            assertThat(got).containsAll(expected).isSubsetOf(all);
        }
    }

    private static void publishUntilRecovered(RabbitMqBroker broker, String job) {
        // The client reconnects every second; publishes fail until then.
        Awaitility.await("a publish after the restart").atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                    broker.publish("q", job, 0);
                    return true;
                });
    }

    private String url() {
        return "amqp://guest:guest@127.0.0.1:" + port + "/%2F";
    }

    private void start() throws IOException, InterruptedException {
        File log = dir.resolve("rabbitmq.out").toFile();
        ProcessBuilder pb = new ProcessBuilder(SERVER.toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        Map<String, String> env = pb.environment();
        env.put("RABBITMQ_NODENAME", "chimp-test-" + port + "@localhost");
        env.put("RABBITMQ_NODE_PORT", Integer.toString(port));
        env.put("RABBITMQ_DIST_PORT", Integer.toString(distPort));
        env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
        env.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("env.conf").toString());
        env.put("RABBITMQ_PID_FILE", dir.resolve("rabbitmq.pid").toString());
        rabbit = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            try (Connection c = RabbitConnections.connect(url(), "chimp-test-probe")) {
                return;
            } catch (RuntimeException e) {
                if (!rabbit.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("RabbitMQ did not start: " + Files.readString(log.toPath()), e);
                }
                Thread.sleep(200);
            }
        }
    }

    /** SIGKILL to the node and everything it started (the Erlang VM, its port helpers). */
    private void kill() throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(rabbit.descendants().toList());
        tree.add(rabbit.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : tree) {
            p.onExit().join();
        }
        rabbit = null;
    }
}
