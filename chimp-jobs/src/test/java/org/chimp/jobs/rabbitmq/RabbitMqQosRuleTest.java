package org.chimp.jobs.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import org.chimp.jobs.rabbitmq.Inbox.QosRule;
import org.junit.jupiter.api.Test;

/** When the inbox changes its channel's prefetch, on a clock the test moves (no RabbitMQ needed). */
class RabbitMqQosRuleTest {
    private static final long WINDOW = QosRule.WINDOW_NANOS;
    private long now = 1_000_000_000L;
    private final QosRule rule = new QosRule(now);

    /** Asks the rule and applies what it says, as the inbox does; returns the new QoS. */
    private int demand(int demand, int floor) {
        int qos = rule.next(demand, floor, now);
        rule.applied(qos);
        return qos;
    }

    @Test
    void startsAtTheFloorAndRisesAtOnceToWhatIsAskedFor() {
        assertThat(demand(0, 4)).isEqualTo(4);
        assertThat(demand(68, 4)).isEqualTo(68);
        assertThat(demand(68 + 30, 4)).as("rises by half at least").isEqualTo(102);
        assertThat(demand(300, 4)).isEqualTo(300);
        assertThat(demand(0, 500)).as("a new receiving thread raises the floor").isEqualTo(500);
    }

    @Test
    void steadyTrafficNeverChangesIt() {
        int qos = demand(100, 1);
        // Demand swings between all settled and asking for much, window after window.
        for (int i = 0; i < 1000; i++) {
            now += WINDOW / 7;
            assertThat(demand(i % 3 == 0 ? 100 : i % 50, 1)).isEqualTo(qos);
        }
    }

    @Test
    void fallsOnlyAfterAWholeWindowUnderHalfAndThenToThatWindowsPeak() {
        demand(200, 2);
        demand(60, 2);
        now += WINDOW; // that window's peak was 200: no change, a new window begins
        assertThat(demand(3, 2)).isEqualTo(200);
        demand(50, 2);
        now += WINDOW / 2;
        assertThat(demand(4, 2)).as("too early").isEqualTo(200);
        now += WINDOW / 2;
        assertThat(demand(4, 2)).as("the window's peak, not the demand now").isEqualTo(50);
        demand(30, 2);
        now += WINDOW;
        assertThat(demand(4, 2)).as("lazily: 50 is not more than twice this window's peak, 30").isEqualTo(50);
    }

    @Test
    void aBusyReceiverFallsBackToWhatItRuns() {
        demand(256 + 4, 4);
        // All four threads busy: four held, nothing asked for, settles now and then.
        for (int i = 0; i < 3; i++) {
            now += WINDOW;
            demand(4, 4);
        }
        assertThat(rule.qos()).isEqualTo(4);
    }

    @Test
    void staysWithinWhatAmqpCanCarry() {
        demand(60_000, 1);
        assertThat(demand(65_000, 1)).isEqualTo(QosRule.MAX);
        assertThat(demand(1_000_000, 1)).isEqualTo(QosRule.MAX);
    }
}
