package org.chimp.api.image;

import java.util.ArrayList;
import java.util.List;
import org.chimp.api.error.ClientErrorException;

/**
 * Keeps the in-flight room of the images decoded for one request until the request is done with them. Without a
 * scope, {@link Image#decode} gives its room back as soon as the pixels are decoded, yet a request keeps them (and
 * their preprocessed copies) until its model has run: a batch of 64 small files that each declare 4096 x 4096
 * pixels would hold gigabytes that no budget counted. Inside a scope the room stays reserved until
 * {@link #close()}, and the images of one request may hold at most the whole in-flight budget together (413
 * beyond, so a request never waits for room it holds itself).
 *
 * <p>A scope belongs to the thread that opened it; use it in try-with-resources around decoding and inference.
 */
public final class ImageScope implements AutoCloseable {
    private static final ThreadLocal<ImageScope> CURRENT = new ThreadLocal<>();

    private final ImageScope outer;
    private final List<ImageLimits.Reservation> held = new ArrayList<>();
    private long pixels;
    private long units;
    private boolean closed;

    private ImageScope(ImageScope outer) {
        this.outer = outer;
    }

    /** Opens a scope on this thread; the images decoded until it closes count against it. */
    public static ImageScope open() {
        ImageScope scope = new ImageScope(CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /** The pixels decoded in this scope so far. */
    public long pixels() {
        return pixels;
    }

    /** A 413 unless an image of this many pixels still fits the open scope's share of the in-flight budget. */
    static void checkRoom(long imagePixels, ImageLimits limits) {
        ImageScope scope = CURRENT.get();
        // Counted in the budget's own units (rounded up per image), so a request that passes never waits for itself.
        if (scope != null && (long) scope.units + ImageLimits.permits(imagePixels) > ImageLimits.permits(limits.inFlightPixels())) {
            throw ClientErrorException.tooLarge("The images of one request may hold at most " + limits.inFlightPixels()
                    + " pixels together; this one would bring them to " + (scope.pixels + imagePixels)
                    + ": send fewer or smaller images per request");
        }
    }

    /** Takes over room reserved for decoded pixels: kept until the open scope closes, given back now without one. */
    static void keep(ImageLimits.Reservation room, long imagePixels) {
        ImageScope scope = CURRENT.get();
        if (scope == null) {
            room.close();
        } else {
            scope.held.add(room);
            scope.pixels += imagePixels;
            scope.units += ImageLimits.permits(imagePixels);
        }
    }

    /** Gives back the room of every image decoded in this scope. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        held.forEach(ImageLimits.Reservation::close);
        held.clear();
        if (CURRENT.get() == this) {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }
}
