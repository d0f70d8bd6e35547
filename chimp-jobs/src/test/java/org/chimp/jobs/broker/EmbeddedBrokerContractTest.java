package org.chimp.jobs.broker;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import org.chimp.db.TestDatabases;
import org.chimp.jobs.embedded.EmbeddedBroker;

/** The contract on the embedded broker, over one H2 database shared by the test's broker instances. */
class EmbeddedBrokerContractTest extends BrokerContract {
    private final HikariDataSource ds = TestDatabases.h2();

    @Override
    protected Broker open(Duration visibilityTimeout) {
        return new EmbeddedBroker(ds, visibilityTimeout);
    }

    @Override
    protected void cleanUp() {
        ds.close();
    }
}
