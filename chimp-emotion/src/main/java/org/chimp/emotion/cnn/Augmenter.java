package org.chimp.emotion.cnn;

import java.util.Random;

/**
 * Random changes to a training image, so the network learns expressions rather than exact pixels: horizontal
 * flip, a shift of a few pixels, a small rotation, and a brightness change. Works on preprocessed single-channel
 * images ({@code height * width} normalised values); all randomness comes from the given {@link Random}, so a
 * seeded run augments the same way every time.
 */
public final class Augmenter {
    /** Largest shift, as a fraction of the side. */
    static final double MAX_SHIFT = 0.08;
    /** Largest rotation, in degrees either way. */
    static final double MAX_DEGREES = 10;
    /** Largest brightness change, in pixel units of [0, 1]. */
    static final double MAX_BRIGHTNESS = 0.1;

    private final int width;
    private final int height;
    private final float std;

    /**
     * @param std the preprocessing's std: a brightness change of {@code b} in [0, 1] pixels is {@code b / std} in
     *            normalised values
     */
    public Augmenter(int width, int height, float std) {
        this.width = width;
        this.height = height;
        this.std = std;
    }

    /** A changed copy of {@code image}; the original is not modified. */
    public float[] apply(float[] image, Random rnd) {
        boolean flip = rnd.nextBoolean();
        double dx = (rnd.nextDouble() * 2 - 1) * MAX_SHIFT * width;
        double dy = (rnd.nextDouble() * 2 - 1) * MAX_SHIFT * height;
        double angle = Math.toRadians((rnd.nextDouble() * 2 - 1) * MAX_DEGREES);
        float brightness = (float) ((rnd.nextDouble() * 2 - 1) * MAX_BRIGHTNESS / std);
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double cx = (width - 1) / 2.0;
        double cy = (height - 1) / 2.0;
        float[] out = new float[image.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                // Inverse mapping: where in the source the output pixel comes from (rotate about the centre, shift, flip).
                double ox = x - cx - dx;
                double oy = y - cy - dy;
                double sx = cos * ox + sin * oy + cx;
                double sy = -sin * ox + cos * oy + cy;
                if (flip) {
                    sx = width - 1 - sx;
                }
                out[y * width + x] = sample(image, sx, sy) + brightness;
            }
        }
        return out;
    }

    /** Bilinear sample with edge clamping, so borders repeat instead of turning black. */
    private float sample(float[] img, double fx, double fy) {
        double x = Math.max(0, Math.min(width - 1, fx));
        double y = Math.max(0, Math.min(height - 1, fy));
        int x0 = (int) x;
        int y0 = (int) y;
        int x1 = Math.min(x0 + 1, width - 1);
        int y1 = Math.min(y0 + 1, height - 1);
        float ax = (float) (x - x0);
        float ay = (float) (y - y0);
        float top = img[y0 * width + x0] * (1 - ax) + img[y0 * width + x1] * ax;
        float bottom = img[y1 * width + x0] * (1 - ax) + img[y1 * width + x1] * ax;
        return top * (1 - ay) + bottom * ay;
    }
}
