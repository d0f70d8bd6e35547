package org.chimp.store;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/** Builds dataset zips in memory, so no binary test files are committed. */
public final class TestZips {
    private final Map<String, byte[]> entries = new LinkedHashMap<>();
    private final java.util.Set<String> stored = new java.util.HashSet<>();
    private final Map<String, String> comments = new java.util.HashMap<>();

    private static final Map<Integer, byte[]> PNGS = new java.util.concurrent.ConcurrentHashMap<>();

    /** A tiny grayscale PNG whose pixels depend on {@code seed}, so different seeds give different files. */
    public static byte[] png(int seed) {
        return PNGS.computeIfAbsent(seed, TestZips::encodePng).clone();
    }

    private static byte[] encodePng(int seed) {
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 16; i++) {
            int v = (seed * 31 + i * 17) & 0xff;
            img.getRaster().setSample(i % 4, i / 4, 0, v);
        }
        return encode(img);
    }

    /** An RGB PNG of size x size random pixels: about 3 bytes a pixel, as deflate cannot shrink noise. */
    public static byte[] noisePng(int size, int seed) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(seed);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                img.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return encode(img);
    }

    private static byte[] encode(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** train/happy (2), train/sad (1), test/happy (1). */
    public static TestZips faces() {
        return new TestZips().image("train/happy/a.png", 1).image("train/happy/b.PNG", 2)
                .image("train/sad/c.jpg", 3).image("test/happy/d.jpeg", 4);
    }

    public TestZips image(String name, int seed) {
        return entry(name, png(seed));
    }

    public TestZips text(String name, String content) {
        return entry(name, content.getBytes(StandardCharsets.UTF_8));
    }

    public TestZips entry(String name, byte[] content) {
        entries.put(name, content);
        return this;
    }

    /** An entry kept uncompressed (method STORED): its size ratio is 1 whatever its content. */
    public TestZips stored(String name, byte[] content) {
        stored.add(name);
        return entry(name, content);
    }

    /** An entry with a comment, which the zip keeps in its central directory. */
    public TestZips commented(String name, byte[] content, String comment) {
        comments.put(name, comment);
        return entry(name, content);
    }

    /** The same entries inside one top-level folder, as zipping a folder produces. */
    public TestZips wrapped(String folder) {
        TestZips z = new TestZips();
        z.entry(folder + "/", null);
        entries.forEach((name, content) -> z.entry(folder + "/" + name, content));
        return z;
    }

    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (var e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                if (stored.contains(e.getKey())) {
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(e.getValue());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    entry.setCompressedSize(e.getValue().length);
                    entry.setCrc(crc.getValue());
                }
                entry.setComment(comments.get(e.getKey()));
                zip.putNextEntry(entry);
                if (e.getValue() != null) {
                    zip.write(e.getValue());
                }
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
