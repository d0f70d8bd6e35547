package org.chimp.training.sample;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Arc2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * Draws simple grayscale cartoon faces with one of five expressions, randomly varied in size, position,
 * rotation, brightness, contrast and noise, so CHIMP can be tried (and tested) without downloading FER2013.
 * Everything is seeded: the same seed gives the same bytes. Each image has its own seed derived from the split,
 * label and index, so changing one split's count does not change the other's images.
 */
public final class SyntheticFaces {
    /** The side of the images {@link #writeZip} writes, as in FER2013. */
    public static final int DEFAULT_SIZE = 48;

    // All drawing is in a 100x100 unit space centred on the face, scaled to the image afterwards.
    private static final double UNIT = 100.0;
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2024, 1, 1, 0, 0);

    private SyntheticFaces() {
    }

    /** The expressions; {@link #label()} is the folder name, as FER2013 names them. */
    public enum Expression {
        ANGRY, HAPPY, NEUTRAL, SAD, SURPRISE;

        /** The dataset label. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Writes a zip in the FER2013 layout: {@code train/<label>/<n>.png} and {@code test/<label>/<n>.png},
     * 48x48 grayscale PNGs.
     */
    public static void writeZip(Path out, int trainPerLabel, int testPerLabel, long seed) throws IOException {
        checkCounts(trainPerLabel, testPerLabel);
        try (OutputStream os = Files.newOutputStream(out); ZipOutputStream zip = new ZipOutputStream(os)) {
            forEachImage(trainPerLabel, testPerLabel, seed, (path, png) -> {
                ZipEntry e = new ZipEntry(path);
                // A fixed local time keeps the zip bytes identical across runs (and time zones).
                e.setTimeLocal(ENTRY_TIME);
                zip.putNextEntry(e);
                zip.write(png);
                zip.closeEntry();
            });
        }
    }

    /** Writes the same images as {@link #writeZip} as files under {@code dir}. */
    public static void writeDirectory(Path dir, int trainPerLabel, int testPerLabel, long seed) throws IOException {
        checkCounts(trainPerLabel, testPerLabel);
        forEachImage(trainPerLabel, testPerLabel, seed, (path, png) -> {
            Path file = dir.resolve(path);
            Files.createDirectories(file.getParent());
            Files.write(file, png);
        });
    }

    /** One face, {@code size} x {@code size}, gray; all variation is drawn from {@code rnd}. */
    public static BufferedImage draw(Expression expression, Random rnd, int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            float background = 0.15f + 0.25f * rnd.nextFloat();
            g.setColor(gray(background));
            g.fillRect(0, 0, size, size);
            double scale = size / UNIT * (0.9 + 0.15 * rnd.nextDouble());
            g.translate(size / 2.0 + size * 0.03 * rnd.nextGaussian(), size / 2.0 + size * 0.03 * rnd.nextGaussian());
            g.rotate(Math.toRadians(-15 + 30 * rnd.nextDouble()));
            g.scale(scale, scale);
            drawFace(g, expression, rnd);
        } finally {
            g.dispose();
        }
        adjust(img, rnd);
        return img;
    }

    /** {@link #draw} encoded as PNG. */
    public static byte[] png(Expression expression, Random rnd, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(draw(expression, rnd, size), "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void drawFace(Graphics2D g, Expression e, Random rnd) {
        float skin = 0.65f + 0.2f * rnd.nextFloat();
        float ink = 0.05f + 0.1f * rnd.nextFloat();
        g.setColor(gray(skin));
        g.fill(new Ellipse2D.Double(-34 - 3 * rnd.nextDouble(), -42, 70, 86));
        g.setColor(gray(ink));

        // Features are bold on purpose: a linear model on raw pixels must still tell them apart after the
        // random shifts and rotations.
        double eyeX = 14 + 3 * rnd.nextDouble();
        double eyeR = 4.5 + rnd.nextDouble();
        double eyeH = switch (e) {
            case SURPRISE -> 1.5 * eyeR;
            case ANGRY -> 0.55 * eyeR;
            default -> eyeR;
        };
        double eyeW = e == Expression.SURPRISE ? 1.3 * eyeR : eyeR;
        for (int side = -1; side <= 1; side += 2) {
            g.fill(new Ellipse2D.Double(side * eyeX - eyeW, -12 - eyeH, 2 * eyeW, 2 * eyeH));
        }

        // Brows: (inner y, outer y); angry slants down towards the nose, sad up towards it, surprise is raised.
        double[] brow = switch (e) {
            case ANGRY -> new double[] {-17, -30};
            case SAD -> new double[] {-31, -20};
            case SURPRISE -> new double[] {-32, -30};
            default -> new double[] {-24, -24};
        };
        double jitter = 1.5 * rnd.nextGaussian();
        g.setStroke(new BasicStroke(4.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        for (int side = -1; side <= 1; side += 2) {
            g.draw(new Line2D.Double(side * 5, brow[0] + jitter, side * 25, brow[1] + jitter));
        }

        double w = 32 + 8 * rnd.nextDouble();
        g.setStroke(new BasicStroke(5.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        switch (e) {
            case HAPPY -> g.draw(new Arc2D.Double(-w / 2, 0, w, 28, 190, 160, Arc2D.OPEN));
            case SAD -> g.draw(new Arc2D.Double(-w / 2, 18, w, 24, 10, 160, Arc2D.OPEN));
            case SURPRISE -> g.fill(new Ellipse2D.Double(-9, 10, 18, 24));
            case ANGRY -> g.fill(new Rectangle2D.Double(-w / 3, 18, 2 * w / 3, 8));
            case NEUTRAL -> {
                g.setStroke(new BasicStroke(3f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.draw(new Line2D.Double(-w / 2, 21, w / 2, 21));
            }
        }
    }

    /** Random contrast and brightness, then Gaussian noise, as a camera would add. */
    private static void adjust(BufferedImage img, Random rnd) {
        double contrast = 0.6 + 0.6 * rnd.nextDouble();
        double brightness = -0.15 + 0.3 * rnd.nextDouble();
        double sigma = 0.02 + 0.04 * rnd.nextDouble();
        WritableRaster r = img.getRaster();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                double v = r.getSample(x, y, 0) / 255.0;
                v = (v - 0.5) * contrast + 0.5 + brightness + sigma * rnd.nextGaussian();
                r.setSample(x, y, 0, (int) Math.round(255 * Math.max(0, Math.min(1, v))));
            }
        }
    }

    private static Color gray(float v) {
        return new Color(v, v, v);
    }

    @FunctionalInterface
    private interface ImageSink {
        void accept(String path, byte[] png) throws IOException;
    }

    private static void forEachImage(int trainPerLabel, int testPerLabel, long seed, ImageSink sink) throws IOException {
        String[] splits = {"train", "test"};
        int[] counts = {trainPerLabel, testPerLabel};
        for (int s = 0; s < splits.length; s++) {
            for (Expression e : Expression.values()) {
                for (int i = 0; i < counts[s]; i++) {
                    Random rnd = new Random(imageSeed(seed, s, e.ordinal(), i));
                    sink.accept(String.format(Locale.ROOT, "%s/%s/%04d.png", splits[s], e.label(), i),
                            png(e, rnd, DEFAULT_SIZE));
                }
            }
        }
    }

    private static long imageSeed(long seed, int split, int label, int index) {
        long h = seed;
        for (long v : new long[] {split, label, index}) {
            h = h * 0x9E3779B97F4A7C15L + v;
            h ^= h >>> 31;
        }
        return h;
    }

    private static void checkCounts(int train, int test) {
        if (train < 1 || test < 0) {
            throw new IllegalArgumentException("Need at least 1 training image and 0 or more test images per label, got "
                    + train + " and " + test);
        }
    }
}
