package org.chimp.jobs.events;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.chimp.jobs.rabbitmq.RabbitConnections;

/**
 * Events over RabbitMQ: a durable fanout exchange {@code chimp.events.<topic>} per topic, and per subscribed bus
 * an exclusive, auto-deleted, server-named queue bound to it (RabbitMQ recreates and rebinds it after a
 * reconnect). Messages are transient: an event is a signal, not a record.
 */
public final class RabbitMqEventBus implements EventBus {
    /** Prefix of the exchanges. */
    public static final String EXCHANGE_PREFIX = "chimp.events.";
    private final Connection connection;
    private final Object publishLock = new Object();
    private Channel publisher; // guarded by publishLock
    private final Set<String> declared = ConcurrentHashMap.newKeySet();
    private final Map<String, Channel> subscribed = new ConcurrentHashMap<>();
    private final Dispatcher dispatcher = new Dispatcher("chimp-events-amqp");

    public RabbitMqEventBus(String url) {
        connection = RabbitConnections.connect(url, "chimp-events");
    }

    @Override
    public void publish(String topic, String json) {
        Dispatcher.requireTopic(topic);
        synchronized (publishLock) {
            try {
                if (publisher == null || !publisher.isOpen()) {
                    publisher = connection.createChannel();
                }
                declare(publisher, topic);
                publisher.basicPublish(EXCHANGE_PREFIX + topic, "", null, json.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("Could not publish an event on " + topic, e);
            }
        }
    }

    /** Returns once the queue is bound, so events published afterwards are heard. */
    @Override
    public AutoCloseable subscribe(String topic, Consumer<String> handler) {
        Dispatcher.requireTopic(topic);
        if (dispatcher.add(topic, handler)) {
            try {
                Channel ch = connection.createChannel();
                ch.exchangeDeclare(EXCHANGE_PREFIX + topic, BuiltinExchangeType.FANOUT, true);
                String queue = ch.queueDeclare("", false, true, true, null).getQueue();
                ch.queueBind(queue, EXCHANGE_PREFIX + topic, "");
                ch.basicConsume(queue, true, new DefaultConsumer(ch) {
                    @Override
                    public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                        dispatcher.dispatch(topic, new String(body, StandardCharsets.UTF_8));
                    }
                });
                subscribed.put(topic, ch);
            } catch (IOException e) {
                dispatcher.remove(topic, handler);
                throw new UncheckedIOException("Could not subscribe to events on " + topic, e);
            }
        }
        return () -> {
            if (dispatcher.remove(topic, handler)) {
                Channel ch = subscribed.remove(topic);
                if (ch != null) {
                    ch.abort(); // its exclusive queue goes with the consumer
                }
            }
        };
    }

    @Override
    public void close() {
        dispatcher.close();
        try {
            connection.close();
        } catch (IOException | RuntimeException e) {
            connection.abort();
        }
    }

    private void declare(Channel ch, String topic) throws IOException {
        if (!declared.contains(topic)) {
            ch.exchangeDeclare(EXCHANGE_PREFIX + topic, BuiltinExchangeType.FANOUT, true);
            declared.add(topic);
        }
    }
}
