package org.chimp.jobs.broker;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.UUID;

/**
 * The Redis and RabbitMQ that tests use: {@code CHIMP_TEST_REDIS_URL} and {@code CHIMP_TEST_AMQP_URL}, by default
 * the local ones. A test needing one is skipped when it is not reachable, unless {@code CHIMP_REQUIRE_SERVICES=1}.
 */
public final class TestServices {
    private TestServices() {
    }

    public static String redisUrl() {
        return env("CHIMP_TEST_REDIS_URL", "redis://127.0.0.1:6379");
    }

    public static String amqpUrl() {
        return env("CHIMP_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672");
    }

    /** Skips (or fails, when services are required) unless Redis answers. */
    public static String requireRedis() {
        return require("Redis", redisUrl(), 6379);
    }

    /** Skips (or fails, when services are required) unless RabbitMQ answers. */
    public static String requireRabbitMq() {
        return require("RabbitMQ", amqpUrl(), 5672);
    }

    /** A name no other test run uses, for queues, keys and topics on the shared servers. */
    public static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private static String require(String what, String url, int defaultPort) {
        URI uri = URI.create(url);
        int port = uri.getPort() < 0 ? defaultPort : uri.getPort();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), port), 2000);
        } catch (IOException e) {
            if ("1".equals(System.getenv("CHIMP_REQUIRE_SERVICES"))) {
                throw new IllegalStateException(what + " is required (CHIMP_REQUIRE_SERVICES=1) but " + url
                        + " is not reachable: " + e.getMessage(), e);
            }
            assumeTrue(false, what + " not reachable at " + url + ": " + e.getMessage());
        }
        return url;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
