package org.chimp.chain.sequencer;

import java.time.Duration;
import org.chimp.chain.tx.GasPolicy;

/**
 * @param contract      the ChimpOracle's address
 * @param confirmations blocks a log must be under the head before it is read (0: as soon as mined)
 * @param startBlock    where to start reading when there is no cursor yet (the contract's deployment block)
 * @param maxBlockRange most blocks one eth_getLogs covers (public nodes refuse wide ranges)
 * @param rewindDepth   how far back a detected reorganisation makes the reader read again
 * @param poll          pause between reads once the reader caught up
 * @param publicBaseUrl the URL outputs are served at, as {@code <publicBaseUrl>/blobs/sha256:<hex>}
 * @param gas           gas price and limit policy
 * @param receiptTimeout how long a sent transaction's receipt is awaited before the job is retried
 */
public record SequencerConfig(String contract, int confirmations, long startBlock, int maxBlockRange, int rewindDepth,
                              Duration poll, String publicBaseUrl, GasPolicy gas, Duration receiptTimeout) {
    public static final int MAX_CONFIRMATIONS = 1000;
    public static final int DEFAULT_BLOCK_RANGE = 2000;
    public static final int DEFAULT_REWIND = 64;

    public SequencerConfig {
        if (confirmations < 0 || confirmations > MAX_CONFIRMATIONS) {
            throw new IllegalArgumentException("chain confirmations must be 0 to " + MAX_CONFIRMATIONS);
        }
        if (maxBlockRange < 1 || rewindDepth < 1 || startBlock < 0) {
            throw new IllegalArgumentException("block range and rewind depth must be positive, the start block >= 0");
        }
        publicBaseUrl = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1) : publicBaseUrl;
    }

    public static SequencerConfig of(String contract, int confirmations, String publicBaseUrl) {
        return new SequencerConfig(contract, confirmations, 0, DEFAULT_BLOCK_RANGE, DEFAULT_REWIND, Duration.ofMillis(500),
                publicBaseUrl, GasPolicy.DEFAULT, Duration.ofMinutes(2));
    }

    public SequencerConfig withPoll(Duration poll) {
        return new SequencerConfig(contract, confirmations, startBlock, maxBlockRange, rewindDepth, poll, publicBaseUrl, gas, receiptTimeout);
    }

    public SequencerConfig withBlockRange(int range) {
        return new SequencerConfig(contract, confirmations, startBlock, range, rewindDepth, poll, publicBaseUrl, gas, receiptTimeout);
    }
}
