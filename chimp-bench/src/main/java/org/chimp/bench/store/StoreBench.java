package org.chimp.bench.store;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import javax.sql.DataSource;
import org.chimp.store.BlobStore;
import org.chimp.store.DatasetStore;
import org.chimp.store.DatasetVersion;
import org.chimp.store.UploadLimits;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Upload and download throughput of one dataset of small images (through {@link DatasetStore}: unzip, checks, hashes,
 * store; and materialize) and of one large blob (through {@link BlobStore}, hash-checked), per backend, next to the
 * ceilings measured in the same run: a plain file copy on the same disk, and a bare AWS SDK put/get of the same bytes.
 * Each backend first runs the same steps unmeasured on smaller files, so the first figures do not pay for a cold
 * JVM (JIT, the zip and PNG readers, the S3 client's connection pool).
 */
public final class StoreBench {
    /** A backend to measure; {@code raw} (with bucket and key prefix) is the same server through the bare SDK, or null. */
    public record Target(String name, BlobStore blobs, S3Client raw, String bucket, String prefix) {
    }

    private static final int IMAGE_SIDE = 80;
    /** Size of the warm-up's dataset and file (at most the measured size). */
    static final long WARMUP_BYTES = 8_000_000;

    private final Path scratch;
    private final long bytes;
    private final PrintStream out;

    /**
     * @param scratch a directory on the disk to measure (the files made here are deleted at the end)
     * @param bytes   size of the dataset and of the single file (200 MB in docs/benchmarks.md)
     */
    public StoreBench(Path scratch, long bytes, PrintStream out) {
        this.scratch = scratch;
        this.bytes = bytes;
        this.out = out;
    }

    /** Measures every target; each gets a fresh database from {@code databases}. */
    public void run(List<Target> targets, java.util.function.Supplier<DataSource> databases) throws IOException {
        Files.createDirectories(scratch);
        Path zip = scratch.resolve("bench-dataset.zip");
        int images = writeDataset(zip, bytes, 0);
        Path big = scratch.resolve("bench-file.bin");
        writeRandom(big, bytes);
        long warmupBytes = Math.min(bytes, WARMUP_BYTES);
        Path warmupZip = scratch.resolve("warmup-dataset.zip");
        // Other counters than the measured images': the measured upload must not find any of its images stored.
        writeDataset(warmupZip, warmupBytes, 1L << 40);
        Path warmupBig = scratch.resolve("warmup-file.bin");
        writeRandom(warmupBig, warmupBytes);
        out.printf("dataset: %d images of %dx%d PNG, %.1f MB zipped (stored); single file: %.1f MB; "
                + "each backend after an unmeasured pass over %.1f MB%n", images, IMAGE_SIDE, IMAGE_SIDE,
                Files.size(zip) / 1e6, bytes / 1e6, warmupBytes / 1e6);
        out.printf("%-22s %-34s %12s %12s%n", "backend", "what", "up MB/s", "down MB/s");
        double[] copy = fileCopy(big);
        row("disk", "plain file copy (ceiling)", copy[0], copy[1]);
        for (Target t : targets) {
            DataSource ds = databases.get();
            measure(t, ds, warmupZip, warmupBig, false);
            measure(t, ds, zip, big, true);
        }
        for (Path p : List.of(zip, big, warmupZip, warmupBig)) {
            Files.deleteIfExists(p);
        }
    }

    /** The dataset, the single file and the bare SDK put/get on one backend; prints rows if {@code print}. */
    private void measure(Target t, DataSource ds, Path zip, Path big, boolean print) throws IOException {
        DatasetStore store = new DatasetStore(ds, t.blobs(), UploadLimits.defaults(), scratch.resolve("work-" + t.name()));
        long zipBytes = Files.size(zip);
        long bigBytes = Files.size(big);
        long start = System.nanoTime();
        DatasetVersion v;
        try (InputStream in = Files.newInputStream(zip)) {
            // A name per pass: the warm-up's version must not be taken for the measured upload's.
            v = store.upload(print ? "bench" : "bench-warmup", in);
        }
        double up = mbps(zipBytes, start);
        Path target = scratch.resolve("materialized-" + t.name());
        start = System.nanoTime();
        store.materialize(v, target);
        double down = mbps(v.sizeBytes(), start);
        if (print) {
            row(t.name(), "dataset of small images", up, down);
        }
        deleteTree(target);

        String sha = sha256(big);
        start = System.nanoTime();
        try (InputStream in = Files.newInputStream(big)) {
            t.blobs().put("bench/big.bin", in, sha);
        }
        up = mbps(bigBytes, start);
        start = System.nanoTime();
        try (InputStream in = t.blobs().get("bench/big.bin")) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        down = mbps(bigBytes, start);
        if (print) {
            row(t.name(), "one file (sha256 checked)", up, down);
        }
        t.blobs().delete("bench/big.bin");
        t.blobs().deleteAll("datasets/");

        if (t.raw() != null) {
            String key = t.prefix() + "bench/raw.bin";
            start = System.nanoTime();
            t.raw().putObject(r -> r.bucket(t.bucket()).key(key), RequestBody.fromFile(big));
            up = mbps(bigBytes, start);
            start = System.nanoTime();
            try (InputStream in = t.raw().getObject(r -> r.bucket(t.bucket()).key(key))) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            down = mbps(bigBytes, start);
            if (print) {
                row(t.name(), "bare AWS SDK put/get (ceiling)", up, down);
            }
            t.raw().deleteObject(r -> r.bucket(t.bucket()).key(key));
        }
    }

    private void row(String backend, String what, double up, double down) {
        out.printf("%-22s %-34s %12.1f %12.1f%n", backend, what, up, down);
    }

    private static double mbps(long bytes, long startNanos) {
        return bytes / 1e6 / ((System.nanoTime() - startNanos) / 1e9);
    }

    /**
     * Small distinct images adding up to {@code size} bytes: one noise PNG, made distinct per file by a counter after its
     * end chunk (decoders stop at IEND; counters from {@code first}), stored uncompressed, under five labels.
     */
    private static int writeDataset(Path zip, long size, long first) throws IOException {
        BufferedImage img = new BufferedImage(IMAGE_SIDE, IMAGE_SIDE, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(1);
        for (int y = 0; y < IMAGE_SIDE; y++) {
            for (int x = 0; x < IMAGE_SIDE; x++) {
                img.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        byte[] base = png.toByteArray();
        int count = (int) Math.max(1, size / (base.length + 8));
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (int i = 0; i < count; i++) {
                byte[] file = java.util.Arrays.copyOf(base, base.length + 8);
                java.nio.ByteBuffer.wrap(file, base.length, 8).putLong(first + i);
                ZipEntry e = new ZipEntry("train/label" + (i % 5) + "/" + i + ".png");
                CRC32 crc = new CRC32();
                crc.update(file);
                e.setMethod(ZipEntry.STORED);
                e.setSize(file.length);
                e.setCompressedSize(file.length);
                e.setCrc(crc.getValue());
                z.putNextEntry(e);
                z.write(file);
                z.closeEntry();
            }
        }
        return count;
    }

    private static void writeRandom(Path file, long size) throws IOException {
        Random random = new Random(2);
        byte[] buf = new byte[1 << 20];
        try (OutputStream o = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= buf.length) {
                random.nextBytes(buf);
                o.write(buf, 0, (int) Math.min(buf.length, left));
            }
        }
    }

    /** Copy in and copy out of the same file on the same disk, as the filesystem's ceiling. */
    private double[] fileCopy(Path big) throws IOException {
        Path copy = scratch.resolve("bench-copy.bin");
        long start = System.nanoTime();
        Files.copy(big, copy, StandardCopyOption.REPLACE_EXISTING);
        double up = mbps(bytes, start);
        Path back = scratch.resolve("bench-copy-back.bin");
        start = System.nanoTime();
        Files.copy(copy, back, StandardCopyOption.REPLACE_EXISTING);
        double down = mbps(bytes, start);
        Files.deleteIfExists(copy);
        Files.deleteIfExists(back);
        return new double[] {up, down};
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
