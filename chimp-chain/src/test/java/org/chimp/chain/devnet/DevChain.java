package org.chimp.chain.devnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import org.chimp.chain.contract.ChimpOracle;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.methods.response.VoidResponse;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Convert;

/**
 * One Hardhat node per test JVM, on a free loopback port, started on first use from chimp-chain's own npm tools
 * (installed with {@code npm ci} when absent) and stopped when the JVM exits. Tests deploy their own contracts, so
 * they do not see each other's state.
 */
public final class DevChain {
    public static final long CHAIN_ID = 31337;
    /** Hardhat's publicly known development accounts #0-#4 (10000 ETH each): never use them on a real chain. */
    public static final Credentials OWNER = Credentials.create("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    public static final Credentials SEQUENCER = Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    public static final Credentials REQUESTER = Credentials.create("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
    public static final Credentials STRANGER = Credentials.create("0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6");
    public static final Credentials SECOND_SEQUENCER = Credentials.create("0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a");

    public static final ContractGasProvider GAS = new StaticGasProvider(
            Convert.toWei("5", Convert.Unit.GWEI).toBigInteger(), BigInteger.valueOf(3_000_000));

    private static HardhatNode node;
    private static Web3j web3j;
    private static RuntimeException startFailure;

    private DevChain() {
    }

    /** chimp-chain's directory (Surefire runs tests there). */
    public static Path moduleDir() {
        return Path.of("").toAbsolutePath();
    }

    public static synchronized NodeTools tools() {
        try {
            return new NodeTools(moduleDir(), NodeTools.findNode()).ensureInstalled();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static synchronized Web3j web3j() {
        if (startFailure != null) {
            throw startFailure; // once is enough: do not wait for a broken node again in every test
        }
        if (web3j == null) {
            try {
                node = HardhatNode.start(tools(), moduleDir().resolve("target/hardhat-node.log"));
            } catch (IOException e) {
                startFailure = new UncheckedIOException(e);
                throw startFailure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            web3j = Web3j.build(new HttpService(node.rpcUrl()));
            Runtime.getRuntime().addShutdownHook(new Thread(node::close));
        }
        return web3j;
    }

    public static synchronized String rpcUrl() {
        web3j();
        return node.rpcUrl();
    }

    public static TransactionManager as(Credentials credentials) {
        return new RawTransactionManager(web3j(), credentials, CHAIN_ID,
                new PollingTransactionReceiptProcessor(web3j(), 50, 400));
    }

    /** A fresh oracle owned by {@link #OWNER} with {@link #SEQUENCER} allowed. */
    public static ChimpOracle deployOracle() throws Exception {
        ChimpOracle oracle = ChimpOracle.deploy(web3j(), as(OWNER),
                new StaticGasProvider(GAS.getGasPrice(), BigInteger.valueOf(6_000_000))).send();
        oracle.setSequencer(SEQUENCER.getAddress(), true).send();
        return oracle;
    }

    public static <T extends org.web3j.tx.Contract> T load(T contract, Credentials as, LoaderFn<T> loader) {
        return loader.load(contract.getContractAddress(), web3j(), as(as), GAS);
    }

    /** A generated wrapper's static {@code load}. */
    @FunctionalInterface
    public interface LoaderFn<T> {
        T load(String address, Web3j web3j, TransactionManager manager, ContractGasProvider gas);
    }

    public static BigInteger balance(String address) throws IOException {
        return web3j().ethGetBalance(address, DefaultBlockParameterName.LATEST).send().getBalance();
    }

    /** Moves the chain's clock forward and mines a block with the new time. */
    public static void increaseTime(long seconds) throws IOException {
        rpc("evm_increaseTime", List.of(seconds));
        rpc("evm_mine", List.of());
    }

    public static void rpc(String method, List<?> params) throws IOException {
        VoidResponse response = new Request<>(method, params, new HttpService(rpcUrl()), VoidResponse.class).send();
        if (response.hasError()) {
            throw new IOException(method + ": " + response.getError().getMessage());
        }
    }
}
