package org.chimp.chain.devnet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.chimp.chain.contract.ChimpOracle;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.methods.response.VoidResponse;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * A local development chain for CHIMP: installs Hardhat 2 into {@code <data-dir>/chain/tools} on first use (needs
 * Node.js), starts its node on loopback, funds a freshly made dev key, deploys the oracle with it (so it is owner and
 * sequencer) and writes {@code <data-dir>/chain/dev.key} and {@code <data-dir>/chain/devnet.json} (RPC URL, chain id,
 * contract, deployment block, key file). The chain lives in the node's memory: every start is a new chain.
 */
public final class Devnet implements AutoCloseable {
    public static final int DEFAULT_PORT = 8545;
    private static final List<String> TOOL_FILES = List.of("package.json", "package-lock.json", "hardhat.config.js");
    private static final BigInteger FUNDS = new BigInteger("1000000000000000000000"); // 1000 ETH

    private final HardhatNode node;
    private final Info info;

    /** What a started devnet is. */
    public record Info(String rpcUrl, long chainId, String contract, long deployBlock, Path keyFile) {
    }

    private Devnet(HardhatNode node, Info info) {
        this.node = node;
        this.info = info;
    }

    public static Devnet start(Path dataDir, int port) throws IOException, InterruptedException {
        Path chainDir = Files.createDirectories(dataDir.toAbsolutePath().resolve("chain"));
        Path toolsDir = Files.createDirectories(chainDir.resolve("tools"));
        for (String name : TOOL_FILES) {
            try (InputStream in = Devnet.class.getResourceAsStream("tools/" + name)) {
                if (in == null) {
                    throw new IOException("the devnet tool file " + name + " is missing from the CHIMP build");
                }
                byte[] content = in.readAllBytes();
                Path target = toolsDir.resolve(name);
                // rewritten only when changed: npm ci runs again only when the pinned versions did
                if (!Files.exists(target) || !java.util.Arrays.equals(Files.readAllBytes(target), content)) {
                    Files.write(target, content);
                }
            }
        }
        NodeTools tools = new NodeTools(toolsDir, NodeTools.findNode()).ensureInstalled();
        HardhatNode node = HardhatNode.start(tools, port, chainDir.resolve("hardhat-node.log"));
        try {
            return new Devnet(node, deploy(node.rpcUrl(), chainDir));
        } catch (Exception e) {
            node.close();
            throw e;
        }
    }

    private static Info deploy(String rpcUrl, Path chainDir) throws IOException {
        HttpService http = new HttpService(rpcUrl);
        Web3j web3j = Web3j.build(http);
        try {
            long chainId = web3j.ethChainId().send().getChainId().longValueExact();
            Credentials dev;
            try {
                dev = Credentials.create(Keys.createEcKeyPair());
            } catch (Exception e) {
                throw new IOException("could not make a dev key", e);
            }
            VoidResponse funded = new Request<>("hardhat_setBalance", List.of(dev.getAddress(), Numeric.toHexStringWithPrefix(FUNDS)),
                    http, VoidResponse.class).send();
            if (funded.hasError()) {
                throw new IOException("funding the dev key failed: " + funded.getError().getMessage());
            }
            BigInteger gasPrice = web3j.ethGasPrice().send().getGasPrice().multiply(BigInteger.TWO);
            RawTransactionManager tm = new RawTransactionManager(web3j, dev, chainId, new PollingTransactionReceiptProcessor(web3j, 100, 300));
            ChimpOracle oracle = ChimpOracle.deploy(web3j, tm, new StaticGasProvider(gasPrice, BigInteger.valueOf(6_000_000))).send();
            oracle.setSequencer(dev.getAddress(), true).send();
            long deployBlock = oracle.getTransactionReceipt().orElseThrow().getBlockNumber().longValueExact();

            Path keyFile = chainDir.resolve("dev.key");
            Files.deleteIfExists(keyFile);
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(keyFile, Numeric.toHexStringWithPrefixZeroPadded(dev.getEcKeyPair().getPrivateKey(), 64) + "\n");
            Info info = new Info(rpcUrl, chainId, oracle.getContractAddress(), deployBlock, keyFile);
            ObjectNode json = new ObjectMapper().createObjectNode();
            json.put("rpc_url", rpcUrl).put("chain_id", chainId).put("contract", info.contract()).put("deploy_block", deployBlock)
                    .put("key_file", keyFile.toString()).put("owner_and_sequencer", dev.getAddress());
            Files.writeString(chainDir.resolve("devnet.json"), new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
            return info;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("deploying the oracle on the devnet failed: " + e.getMessage(), e);
        } finally {
            web3j.shutdown();
        }
    }

    public Info info() {
        return info;
    }

    @Override
    public void close() {
        node.close();
    }
}
