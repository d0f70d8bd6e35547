package org.chimp.server.command;

import java.util.concurrent.CountDownLatch;
import org.chimp.server.node.ChimpNode;

/** Keeps a started node running until the JVM is asked to stop (Ctrl-C, SIGTERM), then shuts it down gracefully. */
final class NodeRunner {
    private NodeRunner() {
    }

    /** Blocks until shutdown; the node is closed by the shutdown hook, so a running job gets its grace period. */
    static int runUntilStopped(ChimpNode node) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "chimp-shutdown"));
        stopped.await();
        return 0;
    }
}
