package org.chimp.jobs.rabbitmq;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** RabbitMQ connections for CHIMP's brokers and event buses: automatic recovery, daemon threads. */
public final class RabbitConnections {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private RabbitConnections() {
    }

    /**
     * Connects to {@code amqp://user:pass@host:port/vhost}. The connection recovers by itself after a network
     * failure or a broker restart (every second), with its channels, consumers and server-named queues.
     */
    public static Connection connect(String url, String name) {
        ConnectionFactory f = new ConnectionFactory();
        try {
            f.setUri(url);
        } catch (Exception e) { // URISyntaxException and the TLS set-up exceptions of amqps://
            throw new IllegalArgumentException("Invalid AMQP URL '" + url + "'; use amqp://user:pass@host:port/vhost: "
                    + e.getMessage(), e);
        }
        f.setAutomaticRecoveryEnabled(true);
        f.setNetworkRecoveryInterval(1000);
        // Consumer threads must not keep a process alive that forgot to close its broker.
        f.setThreadFactory(r -> {
            Thread t = new Thread(r, "chimp-amqp-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            return f.newConnection(name);
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("Cannot connect to RabbitMQ at " + f.getHost() + ":" + f.getPort()
                    + ": " + e.getMessage(), e);
        }
    }
}
