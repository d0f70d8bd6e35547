package org.chimp.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.chimp.api.error.ClientErrorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Datasets in the FER2013 folder layout ({@code train/<label>/*.png|jpg}, optional {@code test/...}), uploaded as
 * zips, validated before anything is stored, kept as immutable versions (files in the blob store, metadata in
 * the database).
 */
public final class DatasetStore {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetStore.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern REF = Pattern.compile("(.+?)(?:@(\\d{1,9}))?");

    private final BlobStore blobs;
    private final UploadLimits limits;
    private final DatasetCatalog catalog;
    private final Path workDir;

    /** A store that unpacks uploads under the system temporary directory. */
    public DatasetStore(DataSource ds, BlobStore blobs, UploadLimits limits) {
        this(ds, blobs, limits, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * @param workDir where uploads are unpacked while they are checked (and deleted afterwards); it needs room for
     *                the largest allowed upload, which a small /tmp may not have
     */
    public DatasetStore(DataSource ds, BlobStore blobs, UploadLimits limits, Path workDir) {
        this.blobs = blobs;
        this.limits = limits;
        this.workDir = workDir;
        this.catalog = new DatasetCatalog(ds);
    }

    /**
     * Validates a zip and stores it as the next version of {@code name}. Not a zip, path traversal, duplicate
     * entry names, no images, wrong layout, too large or too many entries: a 400 (413 for size) and nothing stored.
     */
    public DatasetVersion upload(String name, InputStream zip) {
        checkName(name);
        Path work = null;
        try {
            Files.createDirectories(workDir);
            work = Files.createTempDirectory(workDir, "chimp-dataset-");
            Path zipFile = work.resolve("upload.zip");
            copyLimited(zip, zipFile);
            ExtractedDataset files = new DatasetZip(limits).extract(zipFile, work.resolve("files"));
            // The zip checks are stricter than the key rules, but a failure here must come before anything is written.
            files.files().forEach(f -> BlobKeys.check("datasets/" + name + "/1/" + f.path()));
            DatasetVersion reserved = catalog.reserve(new DatasetVersion(name, 0, files.contentHash(), files.files().size(),
                    files.sizeBytes(), files.splits(), Instant.now().truncatedTo(ChronoUnit.MILLIS)));
            store(reserved, files);
            LOG.info("Stored dataset {} ({} files, {} bytes)", reserved.ref(), reserved.fileCount(), reserved.sizeBytes());
            return reserved;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot store dataset " + name, e);
        } finally {
            deleteQuietly(work);
        }
    }

    /** Puts the files under the reserved version and publishes it; on failure leaves no trace of the version. */
    private void store(DatasetVersion v, ExtractedDataset files) throws IOException {
        try {
            for (DatasetFile f : files.files()) {
                try (InputStream in = Files.newInputStream(f.local())) {
                    blobs.put(prefix(v) + f.path(), in);
                }
            }
            catalog.publish(v.name(), v.version());
        } catch (IOException | RuntimeException e) {
            for (String key : blobs.list(prefix(v))) {
                blobs.delete(key);
            }
            catalog.discard(v.name(), v.version());
            throw e;
        }
    }

    /** The newest version of every dataset, by name. */
    public List<DatasetVersion> list() {
        return catalog.newest();
    }

    /** Every version of one dataset, oldest first; 404 if there is none. */
    public List<DatasetVersion> versions(String name) {
        List<DatasetVersion> versions = catalog.versions(name);
        if (versions.isEmpty()) {
            throw ClientErrorException.notFound("No dataset named '" + name + "'; " + known());
        }
        return versions;
    }

    /** {@code name} (newest version) or {@code name@N}; a 404 naming the known datasets otherwise. */
    public DatasetVersion resolve(String ref) {
        Matcher m = ref == null ? null : REF.matcher(ref);
        if (m == null || !m.matches() || !NAME.matcher(m.group(1)).matches()) {
            throw ClientErrorException.invalid("Dataset references look like 'faces' (newest version) or 'faces@2', got '" + ref + "'");
        }
        List<DatasetVersion> versions = versions(m.group(1));
        if (m.group(2) == null) {
            return versions.get(versions.size() - 1);
        }
        int wanted = Integer.parseInt(m.group(2));
        return versions.stream().filter(v -> v.version() == wanted).findFirst().orElseThrow(() -> ClientErrorException.notFound(
                "Dataset '" + m.group(1) + "' has no version " + wanted + "; its versions are "
                        + versions.stream().map(v -> String.valueOf(v.version())).collect(Collectors.joining(", "))));
    }

    /** Copies a version's files into {@code targetDir} in the dataset layout and returns {@code targetDir}. */
    public Path materialize(DatasetVersion version, Path targetDir) {
        Path target = targetDir.toAbsolutePath().normalize();
        try {
            List<String> keys = blobs.list(prefix(version));
            if (keys.size() != version.fileCount()) {
                throw new IllegalStateException("Dataset " + version.ref() + " should have " + version.fileCount()
                        + " files but the store holds " + keys.size());
            }
            for (String key : keys) {
                Path out = target.resolve(key.substring(prefix(version).length())).normalize();
                if (!out.startsWith(target)) {
                    throw new IllegalStateException("Stored key " + key + " points outside " + target);
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = blobs.get(key)) {
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return targetDir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot materialize dataset " + version.ref() + " into " + targetDir, e);
        }
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ClientErrorException.invalid("Dataset names are 1 to 64 letters, digits, '.', '_' or '-', starting "
                    + "with a letter or digit; got '" + name + "'");
        }
    }

    private String known() {
        List<DatasetVersion> all = catalog.newest();
        return all.isEmpty() ? "there are no datasets yet; upload one with POST /datasets"
                : "known datasets: " + all.stream().map(DatasetVersion::name).collect(Collectors.joining(", "));
    }

    private void copyLimited(InputStream in, Path file) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > limits.maxCompressedBytes()) {
                    throw ClientErrorException.tooLarge("The upload is larger than " + limits.maxCompressedBytes()
                            + " bytes, the limit; split the dataset into smaller zips");
                }
                out.write(buf, 0, n);
            }
        }
    }

    private static String prefix(DatasetVersion v) {
        return "datasets/" + v.name() + "/" + v.version() + "/";
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete the temporary directory {}", dir, e);
        }
    }
}
