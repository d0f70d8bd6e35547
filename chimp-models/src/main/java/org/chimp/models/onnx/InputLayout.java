package org.chimp.models.onnx;

import java.util.Arrays;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.ImagePreprocessing;

/**
 * How a model wants its image input: flat feature vectors {@code [N, F]} in the HWC order preprocessing produces,
 * or {@code [N, C, H, W]} planes, which need the HWC values reordered.
 */
enum InputLayout {
    FLAT, NCHW;

    /** The layout of an input of this shape, or a 400 saying which numbers disagree with the preprocessing. */
    static InputLayout of(String input, long[] shape, ImagePreprocessing prep) {
        if (shape.length == 2) {
            if (!fits(shape[1], prep.featureCount())) {
                throw mismatch(input, shape, "[N, " + prep.featureCount() + "] (" + prep.width() + "x" + prep.height()
                        + "x" + channels(prep) + " features from the preprocessing)", prep);
            }
            return FLAT;
        }
        if (shape.length == 4) {
            if (!fits(shape[1], channels(prep)) || !fits(shape[2], prep.height()) || !fits(shape[3], prep.width())) {
                throw mismatch(input, shape, "[N, " + channels(prep) + ", " + prep.height() + ", " + prep.width() + "]", prep);
            }
            return NCHW;
        }
        throw ClientErrorException.invalid("ONNX input '" + input + "' has shape " + Arrays.toString(shape)
                + "; the onnx-classifier needs [N, F] feature vectors or [N, C, H, W] images");
    }

    /** The tensor shape for a batch of n images. */
    long[] shape(int n, ImagePreprocessing prep) {
        return this == FLAT ? new long[] {n, prep.featureCount()}
                : new long[] {n, channels(prep), prep.height(), prep.width()};
    }

    /** Reorders n preprocessed images (HWC, as ImagePreprocessing produces them) into this layout. */
    float[] arrange(float[] hwc, int n, ImagePreprocessing prep) {
        if (this == FLAT) {
            return hwc;
        }
        int c = channels(prep);
        if (c == 1) {
            return hwc;
        }
        int plane = prep.width() * prep.height();
        float[] chw = new float[hwc.length];
        for (int img = 0; img < n; img++) {
            int base = img * plane * c;
            for (int p = 0; p < plane; p++) {
                for (int ch = 0; ch < c; ch++) {
                    chw[base + ch * plane + p] = hwc[base + p * c + ch];
                }
            }
        }
        return chw;
    }

    static int channels(ImagePreprocessing prep) {
        return prep.grayscale() ? 1 : 3;
    }

    private static boolean fits(long dim, int expected) {
        return dim < 0 || dim == expected;
    }

    private static ClientErrorException mismatch(String input, long[] shape, String expected, ImagePreprocessing prep) {
        return ClientErrorException.invalid("ONNX input '" + input + "' has shape " + Arrays.toString(shape)
                + " but the preprocessing " + prep.toJson() + " produces " + expected
                + "; fix 'preprocessing' in the model config or export the model with that input shape");
    }
}
