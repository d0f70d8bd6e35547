package org.chimp.server.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.chimp.chain.ChainSettings;
import org.chimp.chain.devnet.Devnet;
import org.chimp.server.node.ChimpNode;
import picocli.CommandLine.Option;

/**
 * The chain options of {@code standalone}, {@code server} and {@code sequencer} (each also a CHIMP_CHAIN_*
 * variable or YAML key). Without {@code --chain-rpc} (or {@code --chain dev}) no sequencer runs. The signing key is
 * only ever read from a file.
 */
public final class ChainOptions {
    @Option(names = "--chain", description = "'dev': start a local development chain (Hardhat, needs Node.js) in the data "
            + "directory, deploy the oracle and sequence it (env CHIMP_CHAIN).")
    public String chain;

    @Option(names = "--chain-rpc", description = "JSON-RPC URL of an EVM node whose oracle jobs this process sequences (env CHIMP_CHAIN_RPC).")
    public String rpc;

    @Option(names = "--chain-contract", description = "Address of the ChimpOracle contract (env CHIMP_CHAIN_CONTRACT).")
    public String contract;

    @Option(names = "--chain-key-file", description = "File holding the sequencer's private key as one line of 0x hex, or a JSON "
            + "keystore with --chain-key-password-file (env CHIMP_CHAIN_KEY_FILE). The key itself is never taken as an option.")
    public Path keyFile;

    @Option(names = "--chain-key-password-file", description = "Password file of a JSON keystore key file (env CHIMP_CHAIN_KEY_PASSWORD_FILE).")
    public Path passwordFile;

    @Option(names = "--chain-confirmations", description = "Blocks a job request must be under the chain head before it is run "
            + "(env CHIMP_CHAIN_CONFIRMATIONS; default 2, and 0 with --chain dev, whose blocks are mined on demand).")
    public Integer confirmations;

    @Option(names = "--chain-start-block", defaultValue = "0",
            description = "Block to start reading the oracle's logs from on first start (env CHIMP_CHAIN_START_BLOCK; default ${DEFAULT-VALUE}).")
    public long startBlock;

    @Option(names = "--chain-public-url", description = "Base URL at which this CHIMP serves outputs (/blobs/sha256:<hex>), "
            + "written on chain with each result (env CHIMP_CHAIN_PUBLIC_URL; default http://localhost:<port>).")
    public String publicUrl;

    @Option(names = "--chain-devnet-port", defaultValue = "8545",
            description = "Port of the development chain with --chain dev (env CHIMP_CHAIN_DEVNET_PORT; default ${DEFAULT-VALUE}).")
    public int devnetPort;

    /** True when a chain is configured. */
    public boolean enabled() {
        return "dev".equals(chain) || rpc != null;
    }

    /** Starts the development chain when asked to ({@code --chain dev}); null otherwise. */
    public Devnet startDevnet(Path dataDir) throws IOException, InterruptedException {
        if (chain == null) {
            return null;
        }
        if (!"dev".equals(chain)) {
            throw new IllegalArgumentException("--chain takes 'dev'; for another chain give --chain-rpc, --chain-contract and --chain-key-file");
        }
        return Devnet.start(dataDir, devnetPort);
    }

    /** The chain settings, from the devnet when one runs; defaultPort names this process's HTTP port. */
    public ChainSettings settings(Devnet devnet, int defaultPort) {
        String url = publicUrl != null ? publicUrl : "http://localhost:" + defaultPort;
        if (devnet != null) {
            Devnet.Info info = devnet.info();
            return new ChainSettings(info.rpcUrl(), info.contract(), info.keyFile(), null, confirmations == null ? 0 : confirmations,
                    info.deployBlock(), url);
        }
        return new ChainSettings(rpc, contract, keyFile, passwordFile, confirmations == null ? 2 : confirmations, startBlock, url);
    }

    /**
     * Starts a node beside the devnet (null for none): the devnet is closed after the node, or at once when the node
     * fails to start.
     */
    public static ChimpNode startBeside(Devnet devnet, Callable<ChimpNode> start) throws Exception {
        ChimpNode node;
        try {
            node = start.call();
        } catch (Exception e) {
            if (devnet != null) {
                devnet.close();
            }
            throw e;
        }
        if (devnet != null) {
            node.closeAfter(devnet);
        }
        return node;
    }
}
