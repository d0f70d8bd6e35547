package org.chimp.chain.sequencer;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.chimp.chain.contract.ChimpOracle;
import org.chimp.chain.sequencer.ChainJobs.Cursor;
import org.chimp.jobs.Job;
import org.chimp.jobs.JobRequest;
import org.chimp.jobs.JobService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.EventEncoder;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * Reads JobCreated logs in bounded block ranges, only past the confirmation depth, and turns each on-chain job
 * into one CHIMP job. The cursor (last block read, with its hash) is stored after each range; a cursor whose hash
 * the chain no longer has means a reorganisation: the reader goes back {@code rewindDepth} blocks and reads again
 * (recording a job is idempotent, and jobs whose transactions sat in the abandoned blocks are queued again).
 */
public final class LogReader {
    public static final String QUEUE = "inference";
    public static final String TYPE = "chain-job";
    private static final Logger log = LoggerFactory.getLogger(LogReader.class);
    private static final String JOB_CREATED = EventEncoder.encode(ChimpOracle.JOBCREATED_EVENT);

    private final Web3j web3j;
    private final long chainId;
    private final SequencerConfig config;
    private final ChainJobs store;
    private final JobService jobs;

    public LogReader(Web3j web3j, long chainId, SequencerConfig config, ChainJobs store, JobService jobs) {
        this.web3j = web3j;
        this.chainId = chainId;
        this.config = config;
        this.store = store;
        this.jobs = jobs;
    }

    /** Reads one range (or handles a reorganisation); returns true when there may be more to read right away. */
    public boolean step() throws IOException {
        long head = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
        Optional<Cursor> stored = store.cursor(chainId, config.contract());
        long from = stored.map(c -> c.blockNumber() + 1).orElse(config.startBlock());
        if (stored.isPresent()) {
            Cursor cursor = stored.get();
            Optional<String> hash = cursor.blockNumber() <= head ? blockHash(cursor.blockNumber()) : Optional.empty();
            if (hash.isEmpty() || !hash.get().equalsIgnoreCase(cursor.blockHash())) {
                rewind(cursor, head);
                return true;
            }
        }
        long safe = head - config.confirmations();
        if (safe < from) {
            return false;
        }
        long to = Math.min(safe, from + config.maxBlockRange() - 1);
        Optional<String> toHash = blockHash(to);
        EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), config.contract());
        filter.addSingleTopic(JOB_CREATED);
        EthLog logs = web3j.ethGetLogs(filter).send();
        if (logs.hasError()) {
            throw new IOException("eth_getLogs failed: " + logs.getError().getMessage());
        }
        if (toHash.isEmpty() || !toHash.equals(blockHash(to))) {
            return true; // the chain changed under the read: read the range again
        }
        for (EthLog.LogResult<?> result : logs.getLogs()) {
            Log entry = (Log) result.get();
            if (!entry.isRemoved()) {
                accept(entry);
            }
        }
        store.saveCursor(chainId, config.contract(), new Cursor(to, toHash.get()));
        return to < safe;
    }

    private void rewind(Cursor cursor, long head) throws IOException {
        long back = Math.max(config.startBlock() - 1, Math.min(cursor.blockNumber(), head) - config.rewindDepth());
        log.warn("Chain reorganisation: block {} is no longer {}; reading again from block {}", cursor.blockNumber(),
                cursor.blockHash(), back + 1);
        if (back < 0) {
            // nothing read is trustworthy: start over (the table of jobs keeps what was done)
            store.saveCursor(chainId, config.contract(), new Cursor(-1, "genesis"));
        } else {
            store.saveCursor(chainId, config.contract(), new Cursor(back, blockHash(back).orElseThrow(() -> new IOException("no block " + back))));
        }
        for (ChainJob job : store.requeueAbove(chainId, config.contract(), back)) {
            submit(job);
        }
    }

    private void accept(Log entry) {
        ChimpOracle.JobCreatedEventResponse event = ChimpOracle.getJobCreatedEventFromLog(entry);
        String fingerprint = fingerprint(entry);
        ChainRequest seen = new ChainRequest(chainId, config.contract(), event.jobId.toString(), event.modelId.toString(),
                event.requester, fingerprint, event.deadline.longValueExact(), entry.getBlockNumber().longValueExact(),
                entry.getTransactionHash(), Numeric.toHexStringNoPrefix(event.input), event.seed.toString());
        store.record(seen).ifPresent(this::submit);
    }

    /** Identifies the request behind a JobCreated log: its topics and data (not its block, which a reorganisation changes). */
    static String fingerprint(Log entry) {
        StringBuilder all = new StringBuilder();
        entry.getTopics().forEach(topic -> all.append(topic.toLowerCase(java.util.Locale.ROOT)));
        all.append(entry.getData().toLowerCase(java.util.Locale.ROOT));
        return Numeric.toHexStringNoPrefix(Hash.sha256(all.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    /**
     * The fingerprint of the request the chain has now under this job id (empty: none), looking from {@code fromBlock}.
     * The handler compares it with the row before answering, so an answer never goes to another request than the
     * one it was computed for, whatever reorganisations happened in between.
     */
    Optional<String> canonicalFingerprint(BigInteger jobId, long fromBlock) throws IOException {
        long head = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
        Optional<String> last = Optional.empty();
        // in bounded ranges like every read (nodes refuse wide ones); a job is usually answered within the first
        for (long from = Math.max(config.startBlock(), Math.max(0, fromBlock)); from <= head; from += config.maxBlockRange()) {
            long to = Math.min(head, from + config.maxBlockRange() - 1);
            EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
                    DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), config.contract());
            filter.addSingleTopic(JOB_CREATED);
            filter.addOptionalTopics(Numeric.toHexStringWithPrefixZeroPadded(jobId, 64));
            EthLog logs = web3j.ethGetLogs(filter).send();
            if (logs.hasError()) {
                throw new IOException("eth_getLogs failed: " + logs.getError().getMessage());
            }
            for (EthLog.LogResult<?> result : logs.getLogs()) {
                Log entry = (Log) result.get();
                if (!entry.isRemoved()) {
                    last = Optional.of(fingerprint(entry));
                }
            }
        }
        return last;
    }

    int rewindDepth() {
        return config.rewindDepth();
    }

    private void submit(ChainJob job) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("key", job.key());
        payload.put("generation", job.generation());
        payload.put("job_id", job.jobId());
        // chain id + contract + job id; a job queued again (reorganisation) gets the generation appended
        String idempotency = job.generation() == 1 ? job.key() : job.key() + "#" + job.generation();
        Job chimpJob = jobs.submit(new JobRequest(QUEUE, TYPE, payload, 0, 5, idempotency));
        store.linkChimpJob(job.key(), job.generation(), chimpJob.id());
    }

    private Optional<String> blockHash(long number) throws IOException {
        if (number < 0) {
            return Optional.of("genesis");
        }
        EthBlock.Block block = web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false).send().getBlock();
        return Optional.ofNullable(block).map(EthBlock.Block::getHash);
    }
}
