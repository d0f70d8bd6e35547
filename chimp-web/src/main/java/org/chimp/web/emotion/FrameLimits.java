package org.chimp.web.emotion;

import org.chimp.api.image.ImageLimits;

/**
 * What one WebSocket connection of the emotion page may send: frames of at most {@code maxFrameBytes} (a bigger
 * message closes the connection, 1009), at most {@code maxFps} a second (faster ones are dropped, and a client
 * that keeps sending too fast is disconnected), each at most {@code maxSide} pixels wide and high (checked from the
 * image header before decoding). The page sends 320-pixel-wide JPEGs of 10-30 KB about four times a second.
 */
public record FrameLimits(int maxFrameBytes, int maxFps, int maxSide) {
    /** Frames dropped for coming too fast, in a row, before the connection is closed (1008). */
    public static final int MAX_TOO_FAST_IN_A_ROW = 50;

    public FrameLimits {
        if (maxFrameBytes < 1024 || maxFps < 1 || maxSide < 64) {
            throw new IllegalArgumentException("Frame limits too small: " + maxFrameBytes + " bytes, " + maxFps + " fps, " + maxSide + " px");
        }
    }

    /** 256 KB, 10 frames a second, 1280 pixels a side. */
    public static FrameLimits defaults() {
        return new FrameLimits(256 * 1024, 10, 1280);
    }

    /** The shortest gap between two frames that are both looked at. */
    public long minGapNanos() {
        return 1_000_000_000L / maxFps;
    }

    /** Decoding limits for one frame: this side, within the server's own pixel limits. */
    public ImageLimits imageLimits() {
        ImageLimits server = ImageLimits.current();
        return new ImageLimits(Math.min(server.maxPixels(), (long) maxSide * maxSide), Math.min(server.maxSide(), maxSide),
                server.inFlightPixels());
    }
}
