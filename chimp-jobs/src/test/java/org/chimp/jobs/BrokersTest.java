package org.chimp.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
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
            assertThatThrownBy(() -> Brokers.open("kafka://x", ds)).hasMessageContaining("Unknown broker URL 'kafka://x'");
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
