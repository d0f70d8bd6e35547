package org.chimp.jobs.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.chimp.jobs.broker.TestServices;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventBusTest {
    /** Bus factories; two calls of one stand for two processes on the same server. */
    static Stream<Named<Supplier<Supplier<EventBus>>>> buses() {
        return Stream.of(
                Named.of("in-process", () -> {
                    InProcessEventBus shared = new InProcessEventBus();
                    return () -> shared;
                }),
                Named.of("Redis", () -> {
                    String url = TestServices.requireRedis();
                    return () -> EventBuses.open(url);
                }),
                Named.of("RabbitMQ", () -> {
                    String url = TestServices.requireRabbitMq();
                    return () -> EventBuses.open(url);
                }));
    }

    @ParameterizedTest
    @MethodSource("buses")
    void everySubscriberOfEveryBusGetsEveryEvent(Supplier<Supplier<EventBus>> kind) throws Exception {
        Supplier<EventBus> factory = kind.get();
        String topic = TestServices.unique("t");
        try (EventBus one = factory.get(); EventBus two = factory.get()) {
            BlockingQueue<String> heardByOne = new LinkedBlockingQueue<>();
            BlockingQueue<String> heardByTwo = new LinkedBlockingQueue<>();
            BlockingQueue<String> otherTopic = new LinkedBlockingQueue<>();
            one.subscribe(topic, heardByOne::add);
            AutoCloseable twoSubscription = two.subscribe(topic, heardByTwo::add);
            two.subscribe(topic + "-other", otherTopic::add);

            one.publish(topic, "{\"n\":1}");
            assertThat(heardByOne.poll(30, TimeUnit.SECONDS)).isEqualTo("{\"n\":1}");
            assertThat(heardByTwo.poll(30, TimeUnit.SECONDS)).isEqualTo("{\"n\":1}");

            twoSubscription.close();
            two.publish(topic, "{\"n\":2}");
            assertThat(heardByOne.poll(30, TimeUnit.SECONDS)).isEqualTo("{\"n\":2}");
            assertThat(heardByTwo.poll(200, TimeUnit.MILLISECONDS)).isNull();
            assertThat(otherTopic).isEmpty();
        } finally {
            deleteExchange(topic);
        }
    }

    @Test
    void aFailingHandlerDoesNotStopTheOthers() throws Exception {
        try (EventBus bus = EventBuses.open("embedded")) {
            BlockingQueue<String> heard = new LinkedBlockingQueue<>();
            bus.subscribe("t", json -> {
                throw new IllegalStateException("boom");
            });
            bus.subscribe("t", heard::add);
            bus.publish("t", "1");
            bus.publish("t", "2");
            assertThat(List.of(heard.poll(30, TimeUnit.SECONDS), heard.poll(30, TimeUnit.SECONDS))).containsExactly("1", "2");
            assertThatThrownBy(() -> bus.publish("bad topic", "{}")).hasMessageContaining("event topic");
        }
    }

    @Test
    void theUrlChoosesTheBus() {
        try (EventBus bus = EventBuses.open(null)) {
            assertThat(bus).isInstanceOf(InProcessEventBus.class);
        }
        assertThatThrownBy(() -> EventBuses.open("kafka://x")).hasMessageContaining("Unknown broker URL 'kafka://x'");
    }

    /** RabbitMQ exchanges outlive their subscribers; tests remove theirs. */
    private static void deleteExchange(String topic) {
        try (var c = org.chimp.jobs.rabbitmq.RabbitConnections.connect(TestServices.amqpUrl(), "chimp-test");
             var ch = c.createChannel()) {
            ch.exchangeDelete(RabbitMqEventBus.EXCHANGE_PREFIX + topic);
            ch.exchangeDelete(RabbitMqEventBus.EXCHANGE_PREFIX + topic + "-other");
        } catch (Exception e) {
            // No RabbitMQ, or nothing declared.
        }
    }
}
