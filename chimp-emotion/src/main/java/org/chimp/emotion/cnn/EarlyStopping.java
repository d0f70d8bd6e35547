package org.chimp.emotion.cnn;

/**
 * Stops training once the validation loss has not gone down for {@code patience} epochs (never for patience 0).
 * A loss that is not a number never counts as better.
 */
final class EarlyStopping {
    private final int patience;
    private double bestLoss = Double.POSITIVE_INFINITY;
    private int bestEpoch;

    EarlyStopping(int patience) {
        if (patience < 0) {
            throw new IllegalArgumentException("patience must be 0 or more, got " + patience);
        }
        this.patience = patience;
    }

    /** Records an epoch's validation loss; true if it is the lowest so far (the weights worth keeping). */
    boolean improved(int epoch, double validationLoss) {
        if (validationLoss < bestLoss) {
            bestLoss = validationLoss;
            bestEpoch = epoch;
            return true;
        }
        return false;
    }

    /** True when training should stop after {@code epoch}. */
    boolean shouldStop(int epoch) {
        return patience > 0 && epoch - bestEpoch >= patience;
    }

    /** The epoch with the lowest validation loss so far, 0 before any. */
    int bestEpoch() {
        return bestEpoch;
    }
}
