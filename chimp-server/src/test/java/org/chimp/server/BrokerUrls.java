package org.chimp.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Socket;
import java.net.URI;

/**
 * Broker URLs for tests, from CHIMP_TEST_REDIS_URL / CHIMP_TEST_AMQP_URL (defaults: the local servers). A test
 * asking for an absent broker is skipped, unless CHIMP_REQUIRE_SERVICES=1, where it fails.
 */
final class BrokerUrls {
    private BrokerUrls() {
    }

    static String forKind(String kind) {
        String url = switch (kind) {
            case "embedded" -> "embedded";
            case "redis" -> env("CHIMP_TEST_REDIS_URL", "redis://127.0.0.1:6379");
            case "amqp" -> env("CHIMP_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F");
            default -> throw new IllegalArgumentException(kind);
        };
        if (!kind.equals("embedded")) {
            requireReachable(url);
        }
        return url;
    }

    private static void requireReachable(String url) {
        URI uri = URI.create(url);
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
            return;
        } catch (java.io.IOException e) {
            if ("1".equals(System.getenv("CHIMP_REQUIRE_SERVICES"))) {
                throw new IllegalStateException("Required service " + url + " is not reachable: " + e.getMessage(), e);
            }
            assumeTrue(false, url + " not reachable: " + e.getMessage());
        }
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }
}
