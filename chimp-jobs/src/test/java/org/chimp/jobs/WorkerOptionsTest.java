package org.chimp.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkerOptionsTest {
    private static final List<String> QUEUES = List.of("training", "gpu-infer", "inference", "special");

    @Test
    void gpuQueuesGetOneThreadPerAcceleratorAndTheOthersShareTheConcurrency() {
        WorkerOptions o = WorkerOptions.defaults().withConcurrency(4);
        assertThat(o.threadGroups(QUEUES)).containsExactly(
                Map.entry(List.of("gpu-infer"), 1), Map.entry(List.of("training", "inference", "special"), 4));
        assertThat(o.withAccelerators(2).withGpuQueues(Set.of("inference"))
                .withQueueConcurrency("special", 3).threadGroups(QUEUES)).containsExactly(Map.entry(List.of("gpu-infer"), 2),
                Map.entry(List.of("inference"), 2), Map.entry(List.of("special"), 3), Map.entry(List.of("training"), 4));
    }

    @Test
    void anExplicitQueueConcurrencyOverridesTheGpuDefault() {
        WorkerOptions o = WorkerOptions.defaults().withQueueConcurrency("gpu-infer", 5);
        assertThat(o.dedicatedConcurrency("gpu-infer")).hasValue(5);
        assertThat(o.dedicatedConcurrency("training")).isEmpty();
    }

    @Test
    void nonsenseIsRejected() {
        assertThatThrownBy(() -> WorkerOptions.defaults().withConcurrency(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WorkerOptions.defaults().withQueueConcurrency("q", 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WorkerOptions.defaults().withHeartbeat(java.time.Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WorkerOptions.defaults().withGracePeriod(java.time.Duration.ofSeconds(-1)))
                .hasMessageContaining("grace period");
        assertThatThrownBy(() -> WorkerOptions.defaults().withBackoff(null)).hasMessageContaining("backoff");
        assertThatThrownBy(() -> WorkerOptions.defaults().withPrefetch(-1)).hasMessageContaining("prefetch");
    }
}
