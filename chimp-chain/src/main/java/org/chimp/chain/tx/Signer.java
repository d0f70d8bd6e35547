package org.chimp.chain.tx;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * Signs and sends transactions for one key on one chain and manages its nonces: everything in the process that
 * signs with the key (the sequencer, {@code POST /chain/models}) goes through the same instance ({@link #of}), whose
 * lock covers choosing the nonce, signing and broadcasting, so concurrent sends never pick the same nonce. A transaction is handed to a {@link Recorder}
 * after signing and before broadcast, so that after a crash it is re-sent as is rather than replaced by another.
 */
public final class Signer {
    private static final Map<String, Signer> INSTANCES = new ConcurrentHashMap<>();

    private final Web3j web3j;
    private final Credentials credentials;
    private final long chainId;
    private final GasPolicy gas;
    private final Duration receiptTimeout;
    private final Duration receiptPoll;

    private Signer(Web3j web3j, Credentials credentials, long chainId, GasPolicy gas, Duration receiptTimeout, Duration receiptPoll) {
        this.web3j = web3j;
        this.credentials = credentials;
        this.chainId = chainId;
        this.gas = gas;
        this.receiptTimeout = receiptTimeout;
        this.receiptPoll = receiptPoll;
    }

    /** The one signer of this key on this chain in the process (the first caller's settings win). */
    public static Signer of(Web3j web3j, Credentials credentials, long chainId, GasPolicy gas, Duration receiptTimeout, Duration receiptPoll) {
        String id = chainId + ":" + credentials.getAddress().toLowerCase(Locale.ROOT);
        return INSTANCES.computeIfAbsent(id, k -> new Signer(web3j, credentials, chainId, gas, receiptTimeout, receiptPoll));
    }

    /** Forgets the instances (tests that restart a sequencer in one JVM, as a new process would). */
    public static void forgetAll() {
        INSTANCES.clear();
    }

    public String address() {
        return credentials.getAddress();
    }

    public Web3j web3j() {
        return web3j;
    }

    /** Told about a signed transaction before it is broadcast. */
    @FunctionalInterface
    public interface Recorder {
        void record(String hash, long nonce, String raw) throws IOException;
    }

    /** A signed transaction. */
    public record Signed(String hash, long nonce, String raw) {
    }

    /** Gas a call would use, or the revert reason the node gives for it. */
    public sealed interface Estimate permits Estimate.Gas, Estimate.Reverts {
        record Gas(BigInteger gas) implements Estimate {
        }

        record Reverts(String reason) implements Estimate {
        }
    }

    public Estimate estimate(String to, String data) throws IOException {
        EthEstimateGas estimate = web3j.ethEstimateGas(Transaction.createEthCallTransaction(address(), to, data)).send();
        if (estimate.hasError()) {
            return new Estimate.Reverts(estimate.getError().getMessage());
        }
        return new Estimate.Gas(estimate.getAmountUsed());
    }

    /**
     * Signs a call with the next nonce, records it, broadcasts it. A node that rejects it outright gets the nonce
     * back; "nonce too low" (someone else used the key) resynchronises the counter and signs again.
     */
    public synchronized Signed send(String to, String data, BigInteger gasLimit, BigInteger value, Recorder recorder) throws IOException {
        BigInteger gasPrice = gas.price(web3j.ethGasPrice().send().getGasPrice());
        for (int attempt = 0; ; attempt++) {
            long nonce = nonce();
            RawTransaction tx = RawTransaction.createTransaction(BigInteger.valueOf(nonce), gasPrice, gasLimit, to, value, data);
            String raw = Numeric.toHexString(TransactionEncoder.signMessage(tx, chainId, credentials));
            String hash = Hash.sha3(raw);
            recorder.record(hash, nonce, raw);
            EthSendTransaction sent;
            sent = web3j.ethSendRawTransaction(raw).send(); // unreachable node: the recorded transaction is re-sent on retry
            if (!sent.hasError() || isKnown(hash)) {
                // Some nodes (Hardhat's automine) report a reverted transaction as an error although it was mined.
                return new Signed(hash, nonce, raw);
            }
            String message = sent.getError().getMessage();
            if (message != null && message.toLowerCase(Locale.ROOT).contains("nonce too low") && attempt < 3) {
                continue; // another sender of this key got there first: take the next nonce
            }
            throw new IOException("the node refused the transaction: " + message);
        }
    }

    /** Broadcasts a recorded transaction again (after a restart); harmless if it is already known or mined. */
    public void resend(String raw) throws IOException {
        web3j.ethSendRawTransaction(raw).send(); // errors ("already known", "nonce too low") are settled by the receipt
    }

    /** The transaction's receipt, waiting for it up to the receipt timeout; empty if it never came. */
    public Optional<TransactionReceipt> awaitReceipt(String hash) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + receiptTimeout.toNanos();
        while (true) {
            Optional<TransactionReceipt> receipt = web3j.ethGetTransactionReceipt(hash).send().getTransactionReceipt();
            if (receipt.isPresent() || System.nanoTime() > deadline) {
                return receipt;
            }
            Thread.sleep(receiptPoll.toMillis());
        }
    }

    /** True if the node knows the transaction (pending or mined). */
    public boolean isKnown(String hash) throws IOException {
        return web3j.ethGetTransactionByHash(hash).send().getTransaction().isPresent();
    }

    /** How many transactions of this key are mined. */
    public long minedCount() throws IOException {
        return web3j.ethGetTransactionCount(address(), DefaultBlockParameterName.LATEST).send().getTransactionCount().longValueExact();
    }

    /**
     * The next nonce is the node's count of this key's transactions including pending ones: every transaction this
     * signer makes is broadcast before the lock is released, so the count includes them all; and a transaction dropped
     * by a reorganisation leaves no gap that would hold all later ones back. Transactions recorded before a crash are
     * re-sent before the sequencer signs anything new ({@link org.chimp.chain.sequencer.Sequencer#start}).
     */
    private long nonce() throws IOException {
        return web3j.ethGetTransactionCount(address(), DefaultBlockParameterName.PENDING).send().getTransactionCount().longValueExact();
    }
}
