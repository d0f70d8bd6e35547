package org.chimp.api.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.chimp.api.error.BusyException;
import org.chimp.api.error.ClientErrorException;

/**
 * Decoded pixels, row-major and channel-last (HWC), each value in [0, 1].
 *
 * @param channels 1 (gray) or 3 (RGB); alpha is dropped on decoding
 */
public record Image(int width, int height, int channels, float[] pixels) {
    public Image {
        if (width <= 0 || height <= 0) {
            throw ClientErrorException.invalid("An image needs a positive width and height, got " + width + "x" + height);
        }
        if (channels != 1 && channels != 3) {
            throw ClientErrorException.invalid("An image has 1 (gray) or 3 (RGB) channels, got " + channels);
        }
        if (pixels.length != width * height * channels) {
            throw new IllegalArgumentException("pixels has " + pixels.length + " values, expected " + width * height * channels);
        }
    }

    /** The value at (x, y) of channel c. */
    public float get(int x, int y, int c) {
        return pixels[(y * width + x) * channels + c];
    }

    /**
     * Decodes PNG, JPEG, BMP or GIF bytes (the first frame), within {@link ImageLimits#current()}: the header's
     * size is checked before any pixel is decoded, so a small file that declares a huge image costs nothing.
     * Corrupt data is a 400, an oversized image a 413. Inside an {@link ImageScope} the decoded pixels stay counted
     * against the in-flight budget until the scope closes.
     */
    public static Image decode(byte[] bytes) {
        return decode(bytes, ImageLimits.current());
    }

    /** Decodes within the given limits (see {@link #decode(byte[])}). */
    public static Image decode(byte[] bytes, ImageLimits limits) {
        // A memory-cached stream: ImageIO's default caches every stream in a temp file (ten times slower for a
        // 48x48 face, and a killed process leaves the files behind).
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw ClientErrorException.invalid("The image is not in a format CHIMP reads (PNG, JPEG, BMP, GIF)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                limits.check(w, h);
                long pixels = (long) w * h;
                ImageScope.checkRoom(pixels, limits);
                ImageLimits.Reservation room = ImageLimits.reserve(pixels);
                try {
                    Image image = of(reader.read(0));
                    // Inside an ImageScope the room stays reserved while the request still holds the pixels.
                    ImageScope.keep(room, pixels);
                    return image;
                } catch (IOException | RuntimeException | Error e) {
                    room.close();
                    throw e;
                }
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw ClientErrorException.invalid("The image could not be decoded: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof ClientErrorException || e instanceof BusyException) {
                throw e;
            }
            // Java2D's decoders answer some corrupt files with unchecked exceptions (index out of bounds, bad
            // arguments): still the file's fault, not the server's.
            throw ClientErrorException.invalid("The image could not be decoded: it is corrupt or truncated", e);
        }
    }

    /** Reads and decodes an image file. */
    public static Image read(Path file) throws IOException {
        try {
            return decode(Files.readAllBytes(file));
        } catch (ClientErrorException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Converts a Java2D image: gray stays gray, everything else becomes RGB. */
    public static Image of(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        boolean gray = img.getType() == BufferedImage.TYPE_BYTE_GRAY || img.getType() == BufferedImage.TYPE_USHORT_GRAY;
        int ch = gray ? 1 : 3;
        float[] px = new float[w * h * ch];
        if (gray) {
            var raster = img.getRaster();
            float max = img.getType() == BufferedImage.TYPE_USHORT_GRAY ? 65535f : 255f;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    px[y * w + x] = raster.getSample(x, y, 0) / max;
                }
            }
        } else {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = img.getRGB(x, y);
                    int i = (y * w + x) * 3;
                    px[i] = ((rgb >> 16) & 0xff) / 255f;
                    px[i + 1] = ((rgb >> 8) & 0xff) / 255f;
                    px[i + 2] = (rgb & 0xff) / 255f;
                }
            }
        }
        return new Image(w, h, ch, px);
    }
}
