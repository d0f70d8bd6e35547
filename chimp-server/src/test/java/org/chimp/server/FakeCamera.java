package org.chimp.server;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.chimp.training.sample.SyntheticFaces;
import org.chimp.training.sample.SyntheticFaces.Expression;

/**
 * A video for Chromium's fake camera ({@code --use-file-for-fake-video-capture}): a synthetic face on a gray
 * background, its expression changing every {@code framesEach} frames, as a Y4M file (Chromium loops it). Y4M is
 * a text header, then per frame {@code FRAME\n} and the I420 planes: luma, then quarter-size U and V (gray: 128).
 */
final class FakeCamera {
    static final int WIDTH = 320;
    static final int HEIGHT = 240;
    static final int FPS = 10;

    private FakeCamera() {
    }

    static Path write(Path file, List<Expression> expressions, int framesEach) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(("YUV4MPEG2 W" + WIDTH + " H" + HEIGHT + " F" + FPS + ":1 Ip A1:1 C420jpeg\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chroma = new byte[WIDTH / 2 * (HEIGHT / 2)];
            Arrays.fill(chroma, (byte) 128);
            Random rnd = new Random(5);
            for (Expression e : expressions) {
                byte[] luma = luma(e, rnd);
                for (int i = 0; i < framesEach; i++) {
                    out.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
                    out.write(luma);
                    out.write(chroma);
                    out.write(chroma);
                }
            }
        }
        return file;
    }

    private static byte[] luma(Expression e, Random rnd) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(128, 128, 128));
        g.fillRect(0, 0, WIDTH, HEIGHT);
        int size = 150;
        g.drawImage(SyntheticFaces.draw(e, rnd, size), (WIDTH - size) / 2, (HEIGHT - size) / 2, null);
        g.dispose();
        byte[] y = new byte[WIDTH * HEIGHT];
        img.getRaster().getDataElements(0, 0, WIDTH, HEIGHT, y);
        return y;
    }
}
