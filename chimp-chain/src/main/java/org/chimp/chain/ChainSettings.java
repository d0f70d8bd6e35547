package org.chimp.chain;

import java.nio.file.Path;

/**
 * Where the chain is and how to use it.
 *
 * @param rpcUrl        the node's JSON-RPC URL
 * @param contract      the ChimpOracle's address
 * @param keyFile       the signing key (one line of 0x hex, or a JSON keystore with {@code passwordFile})
 * @param passwordFile  the keystore's password, or null for a plain key file
 * @param confirmations blocks a JobCreated log must be under the head before it is read
 * @param startBlock    where the sequencer starts reading when it has no cursor yet
 * @param publicBaseUrl the URL CHIMP's outputs are served at ({@code <url>/blobs/sha256:<hex>})
 */
public record ChainSettings(String rpcUrl, String contract, Path keyFile, Path passwordFile, int confirmations, long startBlock,
                            String publicBaseUrl) {
    public ChainSettings {
        if (rpcUrl == null || !(rpcUrl.startsWith("http://") || rpcUrl.startsWith("https://"))) {
            throw new IllegalArgumentException("--chain-rpc must be an http(s) URL of an Ethereum JSON-RPC node");
        }
        if (contract == null || !contract.matches("0x[0-9a-fA-F]{40}")) {
            throw new IllegalArgumentException("--chain-contract must be the oracle's address: 0x followed by 40 hex digits");
        }
        if (keyFile == null) {
            throw new IllegalArgumentException("--chain-key-file is required with --chain-rpc (a file holding the key, never the key itself)");
        }
    }
}
