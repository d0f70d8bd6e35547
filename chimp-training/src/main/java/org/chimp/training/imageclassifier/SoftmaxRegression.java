package org.chimp.training.imageclassifier;

/**
 * A linear softmax classifier, {@code softmax(x · W + b)}: what the exported ONNX graph computes.
 *
 * @param weights {@code featureCount x labelCount}, row-major (the layout of ONNX Gemm's B input)
 * @param bias    one value per label
 */
public record SoftmaxRegression(int featureCount, int labelCount, float[] weights, float[] bias) {
    public SoftmaxRegression {
        if (weights.length != featureCount * labelCount || bias.length != labelCount) {
            throw new IllegalArgumentException("weights must be " + featureCount + "x" + labelCount + " and bias " + labelCount + " long");
        }
    }

    /** All-zero weights: every label equally likely. */
    public static SoftmaxRegression zeros(int featureCount, int labelCount) {
        return new SoftmaxRegression(featureCount, labelCount, new float[featureCount * labelCount], new float[labelCount]);
    }

    /** The probability of each label, in label order. */
    public float[] probabilities(float[] x) {
        if (x.length != featureCount) {
            throw new IllegalArgumentException("Expected " + featureCount + " features, got " + x.length);
        }
        double[] logits = new double[labelCount];
        for (int k = 0; k < labelCount; k++) {
            logits[k] = bias[k];
        }
        for (int f = 0; f < featureCount; f++) {
            float v = x[f];
            if (v != 0) {
                int row = f * labelCount;
                for (int k = 0; k < labelCount; k++) {
                    logits[k] += v * weights[row + k];
                }
            }
        }
        return softmax(logits);
    }

    /** The most probable label index. */
    public int predict(float[] x) {
        return argmax(probabilities(x));
    }

    /** Mean cross-entropy and accuracy over the examples. */
    public Evaluation evaluate(Examples data) {
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < data.size(); i++) {
            float[] p = probabilities(data.features()[i]);
            int y = data.targets()[i];
            loss -= Math.log(Math.max(p[y], 1e-12));
            if (argmax(p) == y) {
                correct++;
            }
        }
        int n = Math.max(1, data.size());
        return new Evaluation(loss / n, (double) correct / n, data.size());
    }

    static float[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        double[] e = new double[logits.length];
        for (int k = 0; k < logits.length; k++) {
            e[k] = Math.exp(logits[k] - max);
            sum += e[k];
        }
        float[] p = new float[logits.length];
        for (int k = 0; k < logits.length; k++) {
            p[k] = (float) (e[k] / sum);
        }
        return p;
    }

    static int argmax(float[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }

    /** Loss and accuracy on a set of examples. */
    public record Evaluation(double loss, double accuracy, int count) {
    }
}
