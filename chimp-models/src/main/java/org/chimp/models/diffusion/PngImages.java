package org.chimp.models.diffusion;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Turns the VAE's output into PNG bytes. */
final class PngImages {
    private PngImages() {
    }

    /**
     * Encodes {@code [3, height, width]} values in [-1, 1] (the VAE's range) as an 8-bit RGB PNG, mapped as diffusers
     * does: {@code round(clamp(x / 2 + 0.5, 0, 1) * 255)}.
     */
    static byte[] encode(float[] chw, int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int plane = width * height;
        int[] rgb = new int[plane];
        for (int p = 0; p < plane; p++) {
            rgb[p] = (byte255(chw[p]) << 16) | (byte255(chw[plane + p]) << 8) | byte255(chw[2 * plane + p]);
        }
        img.setRGB(0, 0, width, height, rgb, 0, width);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        // A memory-cached stream: ImageIO's default may cache in a temp file, slower and left behind on a crash.
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(img);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not encode the PNG", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static int byte255(float v) {
        float unit = Math.min(1f, Math.max(0f, v / 2 + 0.5f));
        return Float.isNaN(v) ? 0 : Math.round(unit * 255);
    }
}
