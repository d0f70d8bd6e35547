package org.chimp.chain.tx;

import java.math.BigInteger;

/**
 * How much to pay for gas: the node's suggested price plus a premium (so a transaction is not stuck behind the
 * next base fee rise), never below a floor nor above a cap; and a margin over the estimated gas limit.
 */
public record GasPolicy(int premiumPercent, BigInteger floorWei, BigInteger capWei, int limitMarginPercent, long extraGas) {
    public static final GasPolicy DEFAULT = new GasPolicy(25, BigInteger.valueOf(1_000_000_000L),
            BigInteger.valueOf(500_000_000_000L), 25, 30_000);

    public GasPolicy {
        if (premiumPercent < 0 || limitMarginPercent < 0 || extraGas < 0 || floorWei.signum() < 0 || capWei.compareTo(floorWei) < 0) {
            throw new IllegalArgumentException("gas policy: premiums and margins must be >= 0 and the cap >= the floor");
        }
    }

    public BigInteger price(BigInteger suggested) {
        BigInteger withPremium = suggested.multiply(BigInteger.valueOf(100 + premiumPercent)).divide(BigInteger.valueOf(100));
        return withPremium.max(floorWei).min(capWei);
    }

    public BigInteger limit(BigInteger estimated) {
        return estimated.multiply(BigInteger.valueOf(100 + limitMarginPercent)).divide(BigInteger.valueOf(100)).add(BigInteger.valueOf(extraGas));
    }
}
