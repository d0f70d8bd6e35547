package org.chimp.training.triggers;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks the triggers at a fixed interval on a daemon thread, in every process with the training role. */
public final class TriggerPoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TriggerPoller.class);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chimp-triggers");
        t.setDaemon(true);
        return t;
    });

    public TriggerPoller(Triggers triggers, Duration every) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                triggers.check();
            } catch (RuntimeException e) {
                LOG.warn("Checking the retraining triggers failed: {}", e.toString());
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
