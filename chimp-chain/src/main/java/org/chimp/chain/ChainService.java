package org.chimp.chain;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.chimp.api.error.ClientErrorException;
import org.chimp.chain.contract.ChimpOracle;
import org.chimp.chain.sequencer.ChainInference;
import org.chimp.chain.sequencer.ChainJob;
import org.chimp.chain.sequencer.ChainJobs;
import org.chimp.chain.sequencer.LogReader;
import org.chimp.chain.sequencer.Sequencer;
import org.chimp.chain.sequencer.SequencerConfig;
import org.chimp.chain.task.ModelRef;
import org.chimp.chain.tx.GasPolicy;
import org.chimp.chain.tx.Signer;
import org.chimp.jobs.JobHandler;
import org.chimp.jobs.JobService;
import org.chimp.store.ArtifactStore;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;

/**
 * CHIMP on one chain: the sequencer, and registering CHIMP models on the oracle. Both sign with the same key
 * through the one {@link Signer} of that key.
 */
public final class ChainService implements AutoCloseable {
    /** What CHIMP knows about a model to register on chain: its task and its model config (hashed on chain). */
    public record CatalogEntry(String task, byte[] config) {
    }

    /** Looks a CHIMP model up in the model registry. */
    @FunctionalInterface
    public interface ModelCatalog {
        /** The entry, or a 404 ClientErrorException. */
        CatalogEntry find(ModelRef ref);
    }

    private final Web3j web3j;
    private final long chainId;
    private final ChainSettings settings;
    private final Signer signer;
    private final ChainJobs store;
    private final Sequencer sequencer;
    private final ModelCatalog catalog;

    private ChainService(ChainSettings settings, DataSource ds, JobService jobs, ArtifactStore artifacts, ChainInference inference,
                         ModelCatalog catalog) throws IOException {
        this.settings = settings;
        this.catalog = catalog;
        this.web3j = Web3j.build(new HttpService(settings.rpcUrl()));
        this.chainId = web3j.ethChainId().send().getChainId().longValueExact();
        this.signer = Signer.of(web3j, KeyFile.read(settings.keyFile(), settings.passwordFile()), chainId, GasPolicy.DEFAULT,
                Duration.ofMinutes(2), Duration.ofMillis(200));
        this.store = new ChainJobs(ds);
        SequencerConfig config = new SequencerConfig(settings.contract(), settings.confirmations(), settings.startBlock(),
                SequencerConfig.DEFAULT_BLOCK_RANGE, SequencerConfig.DEFAULT_REWIND, Duration.ofMillis(500), settings.publicBaseUrl(),
                GasPolicy.DEFAULT, Duration.ofMinutes(2));
        this.sequencer = new Sequencer(config, chainId, signer, store, jobs, artifacts, inference);
    }

    /** Connects to the node (to learn its chain id) and reads the key; nothing runs until {@link #start}. */
    public static ChainService open(ChainSettings settings, DataSource ds, JobService jobs, ArtifactStore artifacts,
                                    ChainInference inference, ModelCatalog catalog) throws IOException {
        return new ChainService(settings, ds, jobs, artifacts, inference, catalog);
    }

    /** The handlers a worker of queue {@link LogReader#QUEUE} needs for chain jobs. */
    public Map<String, JobHandler> handlers() {
        return Map.of(LogReader.TYPE, sequencer.handler());
    }

    public void start() throws IOException {
        sequencer.start();
    }

    public long chainId() {
        return chainId;
    }

    public String contract() {
        return settings.contract();
    }

    public String sequencerAddress() {
        return signer.address();
    }

    public List<ChainJob> jobs(int offset, int limit) {
        return store.list(chainId, settings.contract(), offset, limit);
    }

    /** The outcome of registering a model. */
    public record Registered(BigInteger modelId, String txHash) {
    }

    /** Registers a CHIMP model on the oracle (the key must be the oracle's owner). */
    public Registered registerModel(ModelRef ref, BigInteger priceWei) throws IOException, InterruptedException {
        CatalogEntry entry = catalog.find(ref);
        String data = OracleCalls.registerModel(ref.name(), entry.task(), Hash.sha256(entry.config()), ref.uri(), priceWei);
        Signer.Estimate estimate = signer.estimate(settings.contract(), data);
        if (estimate instanceof Signer.Estimate.Reverts reverts) {
            throw ClientErrorException.conflict("The oracle refuses to register the model (" + reverts.reason()
                    + "); is this server's chain key the oracle's owner?");
        }
        Signer.Signed sent = signer.send(settings.contract(), data, GasPolicy.DEFAULT.limit(((Signer.Estimate.Gas) estimate).gas()),
                BigInteger.ZERO, (hash, nonce, raw) -> { });
        Optional<TransactionReceipt> receipt = signer.awaitReceipt(sent.hash());
        if (receipt.isEmpty() || !receipt.get().isStatusOK()) {
            throw new IOException("registering the model on chain did not succeed (transaction " + sent.hash() + ")");
        }
        List<ChimpOracle.ModelRegisteredEventResponse> events = ChimpOracle.getModelRegisteredEvents(receipt.get());
        return new Registered(events.get(0).modelId, sent.hash());
    }

    @Override
    public void close() {
        sequencer.close();
        web3j.shutdown();
    }
}
