package org.chimp.chain.sequencer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.chimp.chain.KeyFile;
import org.chimp.chain.devnet.DevChain;
import org.chimp.chain.tx.GasPolicy;
import org.chimp.chain.tx.Signer;
import org.chimp.db.Database;
import org.chimp.jobs.Backoff;
import org.chimp.jobs.JobService;
import org.chimp.jobs.Worker;
import org.chimp.jobs.WorkerOptions;
import org.chimp.jobs.embedded.EmbeddedBroker;
import org.chimp.store.ArtifactStore;
import org.chimp.store.FileBlobStore;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * A sequencer in its own JVM (H2 file database, embedded broker, echo model), for the test that kills it with
 * SIGKILL. Arguments: rpc-url contract start-block data-dir key-file.
 */
public final class SequencerProcess {
    private SequencerProcess() {
    }

    public static void main(String[] args) throws Exception {
        String rpc = args[0];
        String contract = args[1];
        long startBlock = Long.parseLong(args[2]);
        Path dir = Path.of(args[3]);
        Files.createDirectories(dir);
        var ds = Database.open("jdbc:h2:file:" + dir.resolve("db").toAbsolutePath() + ";FILE_LOCK=NO");
        EmbeddedBroker broker = new EmbeddedBroker(ds, Duration.ofSeconds(2));
        JobService jobs = new JobService(ds, broker);
        ChainJobs store = new ChainJobs(ds);
        ArtifactStore artifacts = new ArtifactStore(new FileBlobStore(dir.resolve("blobs")), dir.resolve("cache"));
        Web3j web3j = Web3j.build(new HttpService(rpc));
        Signer signer = Signer.of(web3j, KeyFile.read(Path.of(args[4])), DevChain.CHAIN_ID, GasPolicy.DEFAULT,
                Duration.ofSeconds(20), Duration.ofMillis(20));
        SequencerConfig config = new SequencerConfig(contract, 0, startBlock, 100, 64, Duration.ofMillis(50),
                "http://chimp.test", GasPolicy.DEFAULT, Duration.ofSeconds(20));
        Sequencer sequencer = new Sequencer(config, DevChain.CHAIN_ID, signer, store, jobs, artifacts,
                (model, input, seed) -> input.clone());
        Worker worker = new Worker(jobs, broker, Map.of(LogReader.TYPE, sequencer.handler()), List.of(LogReader.QUEUE),
                WorkerOptions.defaults().withConcurrency(4).withHeartbeat(Duration.ofMillis(500))
                        .withBackoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(500))));
        worker.start();
        sequencer.start();
        System.out.println("sequencer started");
        Thread.sleep(Long.MAX_VALUE);
    }
}
