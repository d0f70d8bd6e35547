package org.chimp.jobs.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

/** Direct access to the test RabbitMQ, to look at and delete what a test declared. */
final class RabbitTestAdmin {
    interface ChannelAction<T> {
        T apply(Channel ch) throws Exception;
    }

    private RabbitTestAdmin() {
    }

    static <T> T with(String url, ChannelAction<T> action) {
        try (Connection c = RabbitConnections.connect(url, "chimp-test"); Channel ch = c.createChannel()) {
            return action.apply(ch);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deletes the queues of these CHIMP queues, with the delay queues of the given delays. */
    static void deleteQueues(String url, Iterable<String> queues, long... delays) {
        for (String q : queues) {
            deleteQuietly(url, RabbitMqBroker.queueName(q));
            for (long d : delays) {
                deleteQuietly(url, RabbitMqBroker.queueName(q) + ".delay." + d);
            }
        }
    }

    private static void deleteQuietly(String url, String amqpQueue) {
        try {
            with(url, ch -> ch.queueDelete(amqpQueue));
        } catch (RuntimeException e) {
            // Never declared.
        }
    }
}
