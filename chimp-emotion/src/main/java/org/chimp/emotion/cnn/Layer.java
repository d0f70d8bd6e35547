package org.chimp.emotion.cnn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

/**
 * One layer of the network, described as data: the trainer builds the DJL block from it and the ONNX exporter
 * writes the matching ONNX node from it and that block's trained parameters, so the two cannot drift apart.
 */
public sealed interface Layer {
    /** The DJL block that computes this layer. */
    Block block();

    /** A same-size 2-D convolution (stride 1, zero padding kernel / 2). */
    record Conv(int filters, int kernel) implements Layer {
        public Conv {
            if (filters < 1 || kernel < 1 || kernel % 2 == 0) {
                throw new IllegalArgumentException("A convolution needs filters >= 1 and an odd kernel, got " + filters + ", " + kernel);
            }
        }

        /** The padding on every side that keeps height and width. */
        public int padding() {
            return kernel / 2;
        }

        @Override
        public Block block() {
            return Conv2d.builder().setKernelShape(new Shape(kernel, kernel)).optPadding(new Shape(padding(), padding()))
                    .setFilters(filters).build();
        }
    }

    /** Batch normalisation over the channel axis. */
    record BatchNormalization(float epsilon) implements Layer {
        @Override
        public Block block() {
            return BatchNorm.builder().optAxis(1).optEpsilon(epsilon).build();
        }
    }

    /** max(0, x). */
    record Relu() implements Layer {
        @Override
        public Block block() {
            return Activation.reluBlock();
        }
    }

    /** Non-overlapping max pooling (kernel = stride = size, no padding). */
    record MaxPool(int size) implements Layer {
        @Override
        public Block block() {
            return Pool.maxPool2dBlock(new Shape(size, size), new Shape(size, size));
        }
    }

    /** Dropout while training; the identity at inference, so the export leaves it out. */
    record Dropout(float rate) implements Layer {
        @Override
        public Block block() {
            return ai.djl.nn.norm.Dropout.builder().optRate(rate).build();
        }
    }

    /** [N, C, H, W] to [N, C*H*W], in C, H, W order. */
    record Flatten() implements Layer {
        @Override
        public Block block() {
            return Blocks.batchFlattenBlock();
        }
    }

    /** A fully connected layer, y = x W^T + b. */
    record Dense(int units) implements Layer {
        @Override
        public Block block() {
            return Linear.builder().setUnits(units).build();
        }
    }
}
