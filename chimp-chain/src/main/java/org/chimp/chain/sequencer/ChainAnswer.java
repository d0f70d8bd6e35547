package org.chimp.chain.sequencer;

/**
 * The answer sent for a job: its output and the transaction that carries it. It is recorded before the
 * transaction is broadcast, so after a crash the same signed transaction is sent again rather than a second one;
 * {@link #NONE} until then.
 *
 * @param outputHash the output's sha256 (0x-prefixed) as sent in {@code fulfill}; null for {@code fail}
 * @param outputUri  where the output can be fetched (the content-addressed store); null for {@code fail}
 * @param txKind     {@code fulfill} or {@code fail}
 * @param txRaw      the signed transaction, to send again as is
 * @param txBlock    the block the transaction was mined in, once known
 */
public record ChainAnswer(String outputHash, String outputUri, String txKind, String txHash, Long txNonce, String txRaw,
                          Long txBlock) {
    /** Nothing sent yet. */
    public static final ChainAnswer NONE = new ChainAnswer(null, null, null, null, null, null, null);
}
