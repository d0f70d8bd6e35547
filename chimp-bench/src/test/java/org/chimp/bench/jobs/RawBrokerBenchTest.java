package org.chimp.bench.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.chimp.jobs.broker.TestServices;
import org.junit.jupiter.api.Test;

/** The benchmarks run and count every message; how fast is not asserted. */
class RawBrokerBenchTest {
    @Test
    void redisStreams() {
        RawBrokerBench.Result r = RawBrokerBench.redisStreams(TestServices.requireRedis(), 250);
        assertThat(r.messages()).isEqualTo(250);
        assertThat(r.perSecond()).isPositive();
    }

    @Test
    void redisStreamsPipelined() {
        RawBrokerBench.Result r = RawBrokerBench.redisStreamsPipelined(TestServices.requireRedis(), 250);
        assertThat(r.messages()).isEqualTo(250);
        assertThat(r.perSecond()).isPositive();
    }

    @Test
    void rabbitMq() throws Exception {
        RawBrokerBench.Result r = RawBrokerBench.rabbitMq(TestServices.requireRabbitMq(), 250);
        assertThat(r.messages()).isEqualTo(250);
        assertThat(r.perSecond()).isPositive();
    }
}
