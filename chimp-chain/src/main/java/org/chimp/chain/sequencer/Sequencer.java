package org.chimp.chain.sequencer;

import java.io.IOException;
import org.chimp.chain.OracleCalls;
import org.chimp.chain.tx.Signer;
import org.chimp.jobs.JobHandler;
import org.chimp.jobs.JobService;
import org.chimp.store.ArtifactStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sequencer: a thread that reads the oracle's logs into jobs on queue {@code inference}, and the handler
 * (type {@code chain-job}) a worker of that queue runs them with.
 */
public final class Sequencer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sequencer.class);
    private static final long MAX_BACKOFF_MS = 30_000;

    private final SequencerConfig config;
    private final LogReader reader;
    private final ChainJobHandler handler;
    private final ChainJobs store;
    private final Signer signer;
    private Thread thread;
    private volatile boolean running;

    public Sequencer(SequencerConfig config, long chainId, Signer signer, ChainJobs store, JobService jobs, ArtifactStore artifacts,
                     ChainInference inference) {
        this.config = config;
        this.store = store;
        this.signer = signer;
        OracleCalls oracle = new OracleCalls(signer.web3j(), config.contract());
        this.reader = new LogReader(signer.web3j(), chainId, config, store, jobs);
        this.handler = new ChainJobHandler(store, oracle, signer, config, artifacts, inference, reader);
    }

    /** The handler to register under {@link LogReader#TYPE} with a worker of queue {@link LogReader#QUEUE}. */
    public JobHandler handler() {
        return handler;
    }

    public LogReader reader() {
        return reader;
    }

    public synchronized void start() throws IOException {
        // transactions signed before a restart may never have left: send them before anything new takes their nonces
        for (ChainJob sent : store.sent()) {
            signer.resend(sent.txRaw());
        }
        running = true;
        thread = new Thread(this::loop, "chimp-sequencer");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        long backoff = config.poll().toMillis();
        while (running) {
            try {
                boolean more = reader.step();
                backoff = config.poll().toMillis();
                if (!more) {
                    Thread.sleep(config.poll().toMillis());
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                log.warn("Reading the oracle's logs failed ({}); trying again in {} ms", e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException stop) {
                    return;
                }
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    @Override
    public synchronized void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
