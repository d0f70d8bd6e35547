package org.chimp.training.imageclassifier;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Mini-batch SGD on the softmax cross-entropy with L2 weight decay. Our own loop rather than Tribuo's trainer
 * because Tribuo runs all epochs in one call and cannot report per-epoch metrics; a linear softmax is little code
 * and exports to ONNX as two operators.
 *
 * @param epochs       full passes over the training data
 * @param learningRate step size on the batch-mean gradient
 * @param batchSize    examples per update
 * @param l2           weight decay factor
 * @param seed         shuffling seed: the same seed and data give the same model
 */
public record SoftmaxTrainer(int epochs, double learningRate, int batchSize, double l2, long seed) {
    public SoftmaxTrainer {
        if (epochs < 1 || !(learningRate > 0) || batchSize < 1 || l2 < 0) {
            throw new IllegalArgumentException("epochs and batchSize must be >= 1, learningRate > 0, l2 >= 0");
        }
    }

    /**
     * Trains, calling {@code onEpoch} after every epoch with metrics on both sets; stops with a
     * {@link CancellationException} between batches once {@code cancelled} says so.
     */
    public SoftmaxRegression train(Examples train, Examples validation, int labelCount,
                                   Consumer<EpochMetrics> onEpoch, BooleanSupplier cancelled) {
        if (train.size() == 0) {
            throw new IllegalArgumentException("No training examples");
        }
        int featureCount = train.features()[0].length;
        // The gradient is taken with respect to mean-centred inputs, which removes the large common direction that
        // image pixels share (it makes plain SGD oscillate); the centring is folded back into the bias, so the model
        // still takes the preprocessed pixels as they are.
        float[] mean = mean(train, featureCount);
        SoftmaxRegression model = SoftmaxRegression.zeros(featureCount, labelCount);
        float[] w = model.weights();
        double[] centredBias = new double[labelCount];
        float[] gradW = new float[w.length];
        double[] gradB = new double[labelCount];
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] order = new int[train.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int epoch = 1; epoch <= epochs; epoch++) {
            shuffle(order, rnd);
            for (int start = 0; start < order.length; start += batchSize) {
                if (cancelled.getAsBoolean()) {
                    throw new CancellationException("Training was cancelled in epoch " + epoch);
                }
                int end = Math.min(order.length, start + batchSize);
                Arrays.fill(gradW, 0f);
                Arrays.fill(gradB, 0);
                for (int i = start; i < end; i++) {
                    accumulate(model, mean, train.features()[order[i]], train.targets()[order[i]], gradW, gradB);
                }
                float step = (float) (learningRate / (end - start));
                float decay = (float) (1 - learningRate * l2);
                for (int j = 0; j < w.length; j++) {
                    w[j] = w[j] * decay - step * gradW[j];
                }
                for (int k = 0; k < labelCount; k++) {
                    centredBias[k] -= step * gradB[k];
                }
                foldBias(model, mean, centredBias);
            }
            var tr = model.evaluate(train);
            var va = validation.size() > 0 ? model.evaluate(validation) : new SoftmaxRegression.Evaluation(Double.NaN, Double.NaN, 0);
            onEpoch.accept(new EpochMetrics(epoch, tr.loss(), tr.accuracy(), va.loss(), va.accuracy()));
        }
        return model;
    }

    /** Adds one example's gradient of the cross-entropy: (x - mean) (p - onehot(y)). */
    private static void accumulate(SoftmaxRegression model, float[] mean, float[] x, int y, float[] gradW, double[] gradB) {
        float[] g = model.probabilities(x);
        g[y] -= 1;
        int k = g.length;
        for (int f = 0; f < x.length; f++) {
            float v = x[f] - mean[f];
            int row = f * k;
            for (int c = 0; c < k; c++) {
                gradW[row + c] += v * g[c];
            }
        }
        for (int c = 0; c < k; c++) {
            gradB[c] += g[c];
        }
    }

    /** w · (x - mean) + c = w · x + (c - w · mean). */
    private static void foldBias(SoftmaxRegression model, float[] mean, double[] centredBias) {
        int k = model.labelCount();
        double[] b = centredBias.clone();
        float[] w = model.weights();
        for (int f = 0; f < mean.length; f++) {
            int row = f * k;
            for (int c = 0; c < k; c++) {
                b[c] -= mean[f] * w[row + c];
            }
        }
        for (int c = 0; c < k; c++) {
            model.bias()[c] = (float) b[c];
        }
    }

    private static float[] mean(Examples data, int featureCount) {
        double[] sum = new double[featureCount];
        for (float[] x : data.features()) {
            for (int f = 0; f < featureCount; f++) {
                sum[f] += x[f];
            }
        }
        float[] mean = new float[featureCount];
        for (int f = 0; f < featureCount; f++) {
            mean[f] = (float) (sum[f] / data.size());
        }
        return mean;
    }

    private static void shuffle(int[] a, SplittableRandom rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
