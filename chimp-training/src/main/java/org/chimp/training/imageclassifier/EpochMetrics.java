package org.chimp.training.imageclassifier;

/** What one epoch achieved, on the training data and on the held-out data (both measured after the epoch). */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy) {
}
