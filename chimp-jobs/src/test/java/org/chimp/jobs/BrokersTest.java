package org.chimp.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.chimp.db.TestDatabases;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.broker.BrokerOptions;
import org.chimp.jobs.broker.TestServices;
import org.chimp.jobs.embedded.EmbeddedBroker;
import org.chimp.jobs.rabbitmq.RabbitMqBroker;
import org.chimp.jobs.redis.RedisStreamsBroker;
import org.junit.jupiter.api.Test;

class BrokersTest {
    @Test
    void embeddedIsTheDefaultAndUnknownUrlsAreExplained() {
        try (HikariDataSource ds = TestDatabases.h2(); Broker b = Brokers.open("embedded", ds); Broker d = Brokers.open(null, ds)) {
            assertThat(b).isInstanceOf(EmbeddedBroker.class);
            assertThat(d).isInstanceOf(EmbeddedBroker.class);
            assertThatThrownBy(() -> Brokers.open("kafka://x", ds)).hasMessageContaining("Unknown broker URL 'kafka://x'")
                    .hasMessageContaining("known schemes: amqp, amqps, embedded, redis, rediss");
            assertThatThrownBy(() -> Brokers.open("redis://", ds)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void optionsReachTheBroker() {
        try (HikariDataSource ds = TestDatabases.h2();
             Broker b = Brokers.open(" embedded ", ds, BrokerOptions.DEFAULTS.withVisibilityTimeout(Duration.ofSeconds(7)))) {
            assertThat(b.visibilityTimeout()).isEqualTo(Duration.ofSeconds(7));
        }
        assertThatThrownBy(() -> BrokerOptions.DEFAULTS.withPrefetch(0)).hasMessageContaining("prefetch");
    }

    @Test
    void providersAreFoundWithoutLoadingAnyBrokerClientLibrary() throws Exception {
        URL[] withoutClients = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.contains("lettuce") && !e.contains("amqp-client"))
                .map(BrokersTest::url)
                .toArray(URL[]::new);
        try (URLClassLoader loader = new URLClassLoader(withoutClients, ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> Class.forName("io.lettuce.core.RedisClient", false, loader))
                    .isInstanceOf(ClassNotFoundException.class);
            Class<?> brokers = Class.forName(Brokers.class.getName(), true, loader);
            assertThat(brokers.getMethod("knownSchemes").invoke(null))
                    .isEqualTo(List.of("amqp", "amqps", "embedded", "redis", "rediss"));
            assertThat(brokers.getMethod("provider", String.class).invoke(null, "redis://127.0.0.1:1").getClass().getName())
                    .isEqualTo("org.chimp.jobs.redis.RedisBrokerProvider");
        }
    }

    private static URL url(String classPathEntry) {
        try {
            return Path.of(classPathEntry).toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void redisUrlsOpenTheRedisBroker() {
        String url = TestServices.requireRedis();
        try (Broker b = Brokers.open(url, null)) {
            assertThat(b).isInstanceOf(RedisStreamsBroker.class);
        }
    }

    @Test
    void amqpUrlsOpenTheRabbitMqBroker() {
        String url = TestServices.requireRabbitMq();
        try (Broker b = Brokers.open(url, null)) {
            assertThat(b).isInstanceOf(RabbitMqBroker.class);
        }
    }
}
