package org.chimp.api.image;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.chimp.api.error.BusyException;
import org.chimp.api.error.ClientErrorException;

/**
 * What decoding images may cost, checked against an image's header before a pixel is decoded. A PNG of a few
 * kilobytes can declare 20000x20000 pixels: decoded it takes gigabytes (a Java2D raster plus CHIMP's float pixels,
 * about 16 bytes a pixel). So each image has a pixel and a side-length limit, and all decodes running at once share
 * a budget of pixels in flight, so many concurrent images within the per-image limit cannot exhaust the heap
 * together either.
 *
 * <p>Set once at start from {@code --max-image-pixels} / {@code CHIMP_MAX_IMAGE_PIXELS}; every decoder in the
 * process (serving, dataset uploads, training) goes through {@link #current()}.
 *
 * @param maxPixels       the most pixels (width x height) one image may have
 * @param maxSide         the longest side one image may have
 * @param inFlightPixels  the pixels all decodes running at once may hold together
 */
public record ImageLimits(long maxPixels, int maxSide, long inFlightPixels) {
    /** 4096 x 4096: a 16-megapixel photo still decodes; a header claiming 400 megapixels does not. */
    public static final long DEFAULT_MAX_PIXELS = 4096L * 4096L;
    /** Longest side of a default image: a strip of 1 x 16M pixels is no image anyone sends for inference. */
    public static final int DEFAULT_MAX_SIDE = 16_384;
    /** How long a decode waits for room in the in-flight budget before the request is answered 503. */
    static final long WAIT_SECONDS = 10;
    private static final int BYTES_PER_PIXEL = 16;

    private static volatile ImageLimits current = defaults();
    private static volatile Semaphore inFlight = new Semaphore(permits(current.inFlightPixels), true);

    public ImageLimits {
        if (maxPixels < 1 || maxSide < 1 || inFlightPixels < maxPixels) {
            throw new IllegalArgumentException("Image limits need maxPixels >= 1, maxSide >= 1 and inFlightPixels >= maxPixels, got "
                    + maxPixels + ", " + maxSide + ", " + inFlightPixels);
        }
    }

    /**
     * The defaults for this JVM: {@value #DEFAULT_MAX_PIXELS} pixels an image, and pixels in flight worth a quarter
     * of the maximum heap (at about 16 bytes a pixel), never less than one full-size image.
     */
    public static ImageLimits defaults() {
        return forMaxPixels(DEFAULT_MAX_PIXELS);
    }

    /** Limits with the given per-image pixel budget and the in-flight budget derived from the heap. */
    public static ImageLimits forMaxPixels(long maxPixels) {
        long heapShare = Runtime.getRuntime().maxMemory() / 4 / BYTES_PER_PIXEL;
        return new ImageLimits(maxPixels, DEFAULT_MAX_SIDE, Math.max(maxPixels, heapShare));
    }

    /** The limits every decoder in this process uses. */
    public static ImageLimits current() {
        return current;
    }

    /** Replaces the process-wide limits (at start, from configuration; tests restore the old ones). */
    public static synchronized void install(ImageLimits limits) {
        current = limits;
        inFlight = new Semaphore(permits(limits.inFlightPixels), true);
    }

    /** A 400 unless an image of this size fits the per-image limits. */
    public void check(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw ClientErrorException.invalid("The image header declares " + width + "x" + height + " pixels; an image needs a positive width and height");
        }
        if (width > maxSide || height > maxSide || (long) width * height > maxPixels) {
            throw ClientErrorException.tooLarge("The image declares " + width + "x" + height + " pixels; CHIMP decodes at most "
                    + maxPixels + " pixels with no side over " + maxSide + " (--max-image-pixels): send a smaller image");
        }
    }

    /**
     * Reserves room for decoding {@code pixels} pixels among all decodes running at once; waits a while when the
     * budget is spent, then refuses with 503 so the caller retries later instead of the heap running out.
     */
    static Reservation reserve(long pixels) {
        return reserve(pixels, TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    }

    static Reservation reserve(long pixels, long waitMillis) {
        Semaphore s = inFlight;
        int n = permits(pixels);
        try {
            if (!s.tryAcquire(n, waitMillis, TimeUnit.MILLISECONDS)) {
                throw new BusyException("Too many large images are being decoded at once; retry in a few seconds", WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BusyException("Interrupted while waiting to decode an image; retry", 1);
        }
        return () -> s.release(n);
    }

    static int permits(long pixels) {
        // Semaphore permits are ints; counted in units of 16 pixels, 2^31 units cover any heap a JVM gets.
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (pixels + 15) / 16));
    }

    /** Room reserved in the in-flight budget, released when the decoded pixels are no longer needed. */
    interface Reservation extends AutoCloseable {
        @Override
        void close();
    }
}
