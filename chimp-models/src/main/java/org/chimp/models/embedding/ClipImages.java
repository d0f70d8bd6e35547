package org.chimp.models.embedding;

import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.Image;
import org.chimp.api.image.ImagePreprocessing;

/**
 * CLIP's image preprocessing: the largest centred crop of the model's aspect ratio (so nothing is stretched), resized
 * to the model's input size, each channel normalized with its own mean and std, laid out as {@code [3, H, W]}.
 */
final class ClipImages {
    private final int width;
    private final int height;
    private final float[] mean;
    private final float[] std;
    private final ImagePreprocessing resize;

    ClipImages(int width, int height, float[] mean, float[] std) {
        if (mean.length != 3 || std.length != 3) {
            throw ClientErrorException.invalid("'image_mean' and 'image_std' must have 3 values (R, G, B), got "
                    + mean.length + " and " + std.length);
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw ClientErrorException.invalid("'image_std' values must be positive, got " + s);
            }
        }
        this.width = width;
        this.height = height;
        this.mean = mean.clone();
        this.std = std.clone();
        this.resize = new ImagePreprocessing(width, height, false, 0f, 1f);
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** Values per image: 3 x H x W. */
    int size() {
        return 3 * width * height;
    }

    /** Writes one image's {@code [3, H, W]} values into {@code out} at {@code offset}. */
    void apply(Image image, float[] out, int offset) {
        float[] hwc = resize.apply(centerCrop(image));
        int plane = width * height;
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                out[offset + c * plane + p] = (hwc[p * 3 + c] - mean[c]) / std[c];
            }
        }
    }

    private Image centerCrop(Image image) {
        // Compare aspect ratios as products, to stay in integers.
        long wide = (long) image.width() * height;
        long tall = (long) image.height() * width;
        int w = image.width();
        int h = image.height();
        if (wide > tall) {
            w = (int) Math.max(1, Math.round((double) image.height() * width / height));
        } else if (tall > wide) {
            h = (int) Math.max(1, Math.round((double) image.width() * height / width));
        }
        if (w == image.width() && h == image.height()) {
            return image;
        }
        int x0 = (image.width() - w) / 2;
        int y0 = (image.height() - h) / 2;
        int c = image.channels();
        float[] px = new float[w * h * c];
        for (int y = 0; y < h; y++) {
            System.arraycopy(image.pixels(), ((y0 + y) * image.width() + x0) * c, px, y * w * c, w * c);
        }
        return new Image(w, h, c, px);
    }
}
