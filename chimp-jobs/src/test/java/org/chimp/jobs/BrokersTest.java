package org.chimp.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import org.chimp.db.TestDatabases;
import org.chimp.jobs.broker.Broker;
import org.chimp.jobs.embedded.EmbeddedBroker;
import org.junit.jupiter.api.Test;

class BrokersTest {
    @Test
    void embeddedIsTheDefaultAndUnknownUrlsAreExplained() {
        try (HikariDataSource ds = TestDatabases.h2(); Broker b = Brokers.open("embedded", ds); Broker d = Brokers.open(null, ds)) {
            assertThat(b).isInstanceOf(EmbeddedBroker.class);
            assertThat(d).isInstanceOf(EmbeddedBroker.class);
            assertThatThrownBy(() -> Brokers.open("redis://localhost:6379", ds)).hasMessageContaining("redis");
            assertThatThrownBy(() -> Brokers.open("kafka://x", ds)).hasMessageContaining("Unknown broker URL 'kafka://x'");
        }
    }
}
