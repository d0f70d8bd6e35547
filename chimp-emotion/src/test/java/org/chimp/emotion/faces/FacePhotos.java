package org.chimp.emotion.faces;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.chimp.api.vision.FaceBox;
import org.chimp.training.sample.SyntheticFaces;

/**
 * Test photos: synthetic faces (which OpenCV's frontal-face cascade finds, except most "surprise" ones) drawn at
 * chosen places and sizes on a plain background.
 */
public final class FacePhotos {
    private FacePhotos() {
    }

    /** A gray photo with each face drawn into its (square) box. */
    public static BufferedImage photo(int width, int height, List<SyntheticFaces.Expression> faces, List<FaceBox> boxes, long seed) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(128, 128, 128));
        g.fillRect(0, 0, width, height);
        Random rnd = new Random(seed);
        for (int i = 0; i < faces.size(); i++) {
            FaceBox b = boxes.get(i);
            g.drawImage(SyntheticFaces.draw(faces.get(i), rnd, b.width()), b.x(), b.y(), null);
        }
        g.dispose();
        return img;
    }

    public static byte[] png(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** How much two boxes overlap: intersection over union. */
    public static double iou(FaceBox a, FaceBox b) {
        int x0 = Math.max(a.x(), b.x());
        int y0 = Math.max(a.y(), b.y());
        int x1 = Math.min(a.x() + a.width(), b.x() + b.width());
        int y1 = Math.min(a.y() + a.height(), b.y() + b.height());
        double inter = Math.max(0, x1 - x0) * (double) Math.max(0, y1 - y0);
        return inter / (a.area() + b.area() - inter);
    }
}
