package org.chimp.emotion.cnn;

import ai.djl.nn.SequentialBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * The network: its input image shape, its layers in order, and the number of labels it scores. The last layer
 * emits logits; softmax is applied by the loss in training and by the exported model's last node.
 */
public record EmotionNet(int channels, int height, int width, int labels, List<Layer> layers) {
    /** Batch-norm epsilon, PyTorch's default. */
    public static final float BN_EPSILON = 1e-5f;

    public EmotionNet {
        layers = List.copyOf(layers);
        if (channels < 1 || height < 1 || width < 1 || labels < 2) {
            throw new IllegalArgumentException("Bad network shape " + channels + "x" + height + "x" + width + " -> " + labels);
        }
    }

    /**
     * The small CNN CHIMP's original trained on FER2013: three blocks of conv 3x3, batch-norm, ReLU and 2x2 max
     * pooling (32, 64, 128 filters), then a dense layer of 128 with dropout, and one output per label.
     */
    public static EmotionNet standard(int channels, int height, int width, int labels) {
        List<Layer> layers = new ArrayList<>();
        int h = height;
        int w = width;
        for (int filters : new int[] {32, 64, 128}) {
            layers.add(new Layer.Conv(filters, 3));
            layers.add(new Layer.BatchNormalization(BN_EPSILON));
            layers.add(new Layer.Relu());
            // Pool only while there is something left to pool, so small inputs still work.
            if (h >= 2 && w >= 2) {
                layers.add(new Layer.MaxPool(2));
                h /= 2;
                w /= 2;
            }
        }
        layers.add(new Layer.Dropout(0.25f));
        layers.add(new Layer.Flatten());
        layers.add(new Layer.Dense(128));
        layers.add(new Layer.Relu());
        layers.add(new Layer.Dropout(0.5f));
        layers.add(new Layer.Dense(labels));
        return new EmotionNet(channels, height, width, labels, layers);
    }

    /** A fresh, uninitialised DJL block with one child per layer, in order. */
    public SequentialBlock block() {
        SequentialBlock block = new SequentialBlock();
        layers.forEach(l -> block.add(l.block()));
        return block;
    }
}
