package org.chimp.chain.sequencer;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.chimp.db.Database;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;

/** The sequencer's tables: the log cursor per oracle and the on-chain jobs it has seen. */
public final class ChainJobs {
    /** Most jobs one listing returns. */
    public static final int MAX_LIST = 500;
    private static final String COLUMNS = "job_key, chain_id, contract, job_id, model_id, requester, fingerprint, deadline, "
            + "created_block, created_tx, input_hex, seed, generation, chimp_job_id, state, output_hash, output_uri, tx_kind, tx_hash, "
            + "tx_nonce, tx_raw, tx_block, error, created_at, updated_at";

    private final DataSource ds;

    public ChainJobs(DataSource ds) {
        this.ds = ds;
        Database.migrate(ds, "chain");
    }

    /** A block the cursor points at: the last one whose logs were fully read. */
    public record Cursor(long blockNumber, String blockHash) {
    }

    public Optional<Cursor> cursor(long chainId, String contract) {
        return Jdbc.withConnection(ds, c -> Sql.first(c,
                "SELECT block_number, block_hash FROM chain_cursor WHERE chain_id = ? AND contract = ?",
                rs -> new Cursor(rs.getLong(1), rs.getString(2)), chainId, contract.toLowerCase(java.util.Locale.ROOT)));
    }

    public void saveCursor(long chainId, String contract, Cursor cursor) {
        String lower = contract.toLowerCase(java.util.Locale.ROOT);
        Jdbc.inTransaction(ds, c -> {
            int n = Sql.update(c, "UPDATE chain_cursor SET block_number = ?, block_hash = ?, updated_at = ? WHERE chain_id = ? AND contract = ?",
                    cursor.blockNumber(), cursor.blockHash(), now(), chainId, lower);
            if (n == 0) {
                Sql.update(c, "INSERT INTO chain_cursor (chain_id, contract, block_number, block_hash, updated_at) VALUES (?, ?, ?, ?, ?)",
                        chainId, lower, cursor.blockNumber(), cursor.blockHash(), now());
            }
            return null;
        });
    }

    /**
     * Records a job read from a JobCreated log. Returns the row to (re)queue, or empty when the same request is
     * already known. A known id with another fingerprint is a different request after a reorganisation: the row is reset to it.
     */
    public Optional<ChainJob> record(ChainRequest seen) {
        return Jdbc.inTransaction(ds, c -> {
            Optional<ChainJob> existing = Sql.first(c, "SELECT " + COLUMNS + " FROM chain_jobs WHERE job_key = ? FOR UPDATE", ChainJobs::row, seen.key());
            Timestamp now = now();
            if (existing.isEmpty()) {
                Sql.update(c, "INSERT INTO chain_jobs (job_key, chain_id, contract, job_id, model_id, requester, fingerprint, deadline, "
                                + "created_block, created_tx, input_hex, seed, generation, state, created_at, updated_at) "
                                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 'QUEUED', ?, ?)",
                        seen.key(), seen.chainId(), seen.contract().toLowerCase(java.util.Locale.ROOT), seen.jobId(), seen.modelId(),
                        seen.requester(), seen.fingerprint(), seen.deadline(), seen.createdBlock(), seen.createdTx(), seen.inputHex(), seen.seed(), now, now);
            } else if (!existing.get().fingerprint().equals(seen.fingerprint())) {
                Sql.update(c, "UPDATE chain_jobs SET model_id = ?, requester = ?, fingerprint = ?, deadline = ?, created_block = ?, created_tx = ?, "
                                + "input_hex = ?, seed = ?, "
                                + "generation = generation + 1, chimp_job_id = NULL, state = 'QUEUED', output_hash = NULL, output_uri = NULL, "
                                + "tx_kind = NULL, tx_hash = NULL, tx_nonce = NULL, tx_raw = NULL, tx_block = NULL, error = NULL, updated_at = ? "
                                + "WHERE job_key = ?",
                        seen.modelId(), seen.requester(), seen.fingerprint(), seen.deadline(), seen.createdBlock(), seen.createdTx(), seen.inputHex(),
                        seen.seed(), now, seen.key());
            } else if (existing.get().chimpJobId() != null) {
                return Optional.<ChainJob>empty();
            }
            return Sql.first(c, "SELECT " + COLUMNS + " FROM chain_jobs WHERE job_key = ?", ChainJobs::row, seen.key());
        });
    }

    /** Links the CHIMP job that runs this generation of the job. */
    public void linkChimpJob(String key, int generation, String chimpJobId) {
        Jdbc.withConnection(ds, c -> Sql.update(c, "UPDATE chain_jobs SET chimp_job_id = ?, updated_at = ? WHERE job_key = ? AND generation = ?",
                chimpJobId, now(), key, generation));
    }

    /**
     * After a reorganisation down to {@code block}: transactions mined above it may be gone, so those jobs are queued
     * again (the handler checks the job's state on chain before sending anything). Returns the rows to requeue.
     */
    public List<ChainJob> requeueAbove(long chainId, String contract, long block) {
        return Jdbc.inTransaction(ds, c -> {
            String lower = contract.toLowerCase(java.util.Locale.ROOT);
            Sql.update(c, "UPDATE chain_jobs SET generation = generation + 1, chimp_job_id = NULL, state = 'QUEUED', tx_block = NULL, updated_at = ? "
                            + "WHERE chain_id = ? AND contract = ? AND (tx_block > ? OR (state IN ('CLOSED', 'ORPHANED') AND created_block > ?))",
                    now(), chainId, lower, block, block);
            return Sql.list(c, "SELECT " + COLUMNS + " FROM chain_jobs WHERE chain_id = ? AND contract = ? AND chimp_job_id IS NULL",
                    ChainJobs::row, chainId, lower);
        });
    }

    public Optional<ChainJob> find(String key) {
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT " + COLUMNS + " FROM chain_jobs WHERE job_key = ?", ChainJobs::row, key));
    }

    /** Records a signed transaction before it is broadcast, so a crash cannot lead to a second one for the job. */
    public void recordTx(String key, int generation, String kind, String hash, long nonce, String raw, String outputHash, String outputUri,
                         String error) {
        Jdbc.withConnection(ds, c -> Sql.update(c, "UPDATE chain_jobs SET state = 'SENT', tx_kind = ?, tx_hash = ?, tx_nonce = ?, tx_raw = ?, "
                        + "output_hash = ?, output_uri = ?, error = ?, updated_at = ? WHERE job_key = ? AND generation = ?",
                kind, hash, nonce, raw, outputHash, outputUri, error, now(), key, generation));
    }

    /** Ends this generation of a job in a final state (with the block its transaction was mined in, if any). */
    public void finish(String key, int generation, ChainJob.State state, Long txBlock, String error) {
        Jdbc.withConnection(ds, c -> Sql.update(c, "UPDATE chain_jobs SET state = ?, tx_block = ?, error = COALESCE(?, error), updated_at = ? "
                + "WHERE job_key = ? AND generation = ?", state.name(), txBlock, error, now(), key, generation));
    }

    /** Jobs whose transaction was recorded but not seen mined, lowest nonce first. */
    public List<ChainJob> sent() {
        return Jdbc.withConnection(ds, c -> Sql.list(c, "SELECT " + COLUMNS + " FROM chain_jobs WHERE state = 'SENT' ORDER BY tx_nonce",
                ChainJobs::row));
    }

    /** Jobs of one oracle, newest first. */
    public List<ChainJob> list(long chainId, String contract, int offset, int limit) {
        return Jdbc.withConnection(ds, c -> Sql.list(c, "SELECT " + COLUMNS + " FROM chain_jobs WHERE chain_id = ? AND contract = ? "
                        + "ORDER BY created_block DESC, job_key DESC LIMIT ? OFFSET ?", ChainJobs::row, chainId,
                contract.toLowerCase(java.util.Locale.ROOT), Math.min(limit, MAX_LIST), offset));
    }

    /** A row of chain_jobs; its job_key is not read, the request's {@link ChainRequest#key()} derives the same. */
    private static ChainJob row(ResultSet rs) throws SQLException {
        return new ChainJob(
                new ChainRequest(rs.getLong("chain_id"), rs.getString("contract"), rs.getString("job_id"), rs.getString("model_id"),
                        rs.getString("requester"), rs.getString("fingerprint"), rs.getLong("deadline"), rs.getLong("created_block"),
                        rs.getString("created_tx"), rs.getString("input_hex"), rs.getString("seed")),
                new ChainJobStatus(ChainJob.State.valueOf(rs.getString("state")), rs.getInt("generation"), rs.getString("chimp_job_id"),
                        rs.getString("error"), Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at")),
                new ChainAnswer(rs.getString("output_hash"), rs.getString("output_uri"), rs.getString("tx_kind"), rs.getString("tx_hash"),
                        Sql.nullableLong(rs, "tx_nonce"), rs.getString("tx_raw"), Sql.nullableLong(rs, "tx_block")));
    }

    private static Timestamp now() {
        return Timestamp.from(Instant.now());
    }
}
