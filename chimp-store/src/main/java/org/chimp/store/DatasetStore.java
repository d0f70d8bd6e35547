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
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.chimp.api.Names;
import org.chimp.api.error.ClientErrorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Datasets in the FER2013 folder layout ({@code train/<label>/*.png|jpg}, optional {@code test/...}), uploaded as
 * zips, validated before anything is stored, kept as immutable versions (files in the blob store, metadata in
 * the database).
 *
 * <p>An upload unpacks into this process's {@link ScratchSpace}, records itself in the upload journal, stores its
 * files under a blob prefix of its own ({@code datasets/<name>/<upload id>/}) and only then, in one transaction,
 * takes the next version number and leaves the journal. So a process killed mid-upload leaves no version and uses
 * no number; {@link #recover()} removes its files, its journal row and its unpack directory.
 */
public final class DatasetStore {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetStore.class);
    private static final Pattern REF = Pattern.compile("(.+?)(?:@(\\d{1,9}))?");
    /** An upload of a process on another machine (whose liveness cannot be checked) is taken as dead after this. */
    static final Duration FOREIGN_UPLOAD_TIMEOUT = Duration.ofHours(24);

    private final BlobStore blobs;
    private final UploadLimits limits;
    private final DatasetCatalog catalog;
    private final UploadJournal journal;
    private final ScratchSpace scratch;
    private final DatasetCache cache;

    /** A store that unpacks uploads under the system temporary directory. */
    public DatasetStore(DataSource ds, BlobStore blobs, UploadLimits limits) {
        this(ds, blobs, limits, Path.of(System.getProperty("java.io.tmpdir"), "chimp"));
    }

    /**
     * @param workDir where uploads are unpacked while they are checked (and deleted afterwards), in a per-process
     *                directory under {@code workDir/dataset-uploads}; it needs room for the largest allowed
     *                upload, which a small /tmp may not have
     */
    public DatasetStore(DataSource ds, BlobStore blobs, UploadLimits limits, Path workDir) {
        this(ds, blobs, limits, workDir, null);
    }

    /**
     * @param cache where {@link #materialize} keeps the versions it fetched, for later runs; null to fetch every time
     */
    public DatasetStore(DataSource ds, BlobStore blobs, UploadLimits limits, Path workDir, DatasetCache cache) {
        this(ds, blobs, limits, ScratchSpace.open(workDir.resolve("dataset-uploads")), cache);
    }

    DatasetStore(DataSource ds, BlobStore blobs, UploadLimits limits, ScratchSpace scratch) {
        this(ds, blobs, limits, scratch, null);
    }

    DatasetStore(DataSource ds, BlobStore blobs, UploadLimits limits, ScratchSpace scratch, DatasetCache cache) {
        this.blobs = blobs;
        this.limits = limits;
        this.catalog = new DatasetCatalog(ds);
        this.journal = new UploadJournal(ds);
        this.scratch = scratch;
        this.cache = cache;
    }

    /**
     * Validates a zip and stores it as the next version of {@code name}. Bad name, not a zip, path traversal,
     * duplicate entry names, no images, wrong layout, bad labels, corrupt or oversized images, too large or too many
     * entries: a 400 (413 for size) and nothing stored.
     */
    public DatasetVersion upload(String name, InputStream zip) {
        checkName(name);
        String id = UUID.randomUUID().toString();
        String prefix = "datasets/" + name + "/" + id + "/";
        Path work = scratch.dir().resolve(id);
        boolean journaled = false;
        try {
            Files.createDirectories(work);
            Path zipFile = work.resolve("upload.zip");
            copyLimited(zip, zipFile);
            ExtractedDataset files = new DatasetZip(limits).extract(zipFile, work.resolve("files"));
            // The zip checks are stricter than the key rules, but a failure here must come before anything is written.
            files.files().forEach(f -> BlobKeys.check(prefix + f.path()));
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            journal.begin(new UploadJournal.Upload(id, name, prefix, scratch.id(), now, false));
            journaled = true;
            for (DatasetFile f : files.files()) {
                try (InputStream in = Files.newInputStream(f.local())) {
                    blobs.put(prefix + f.path(), in);
                }
            }
            DatasetVersion v = catalog.publish(new DatasetVersion(name, 0, files.contentHash(), files.files().size(),
                    files.sizeBytes(), files.splits(), now), id, prefix);
            journaled = false;
            LOG.info("Stored dataset {} ({} files, {} bytes)", v.ref(), v.fileCount(), v.sizeBytes());
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot store dataset " + name, e);
        } finally {
            if (journaled) {
                discard(id, prefix);
            }
            deleteQuietly(work);
        }
    }

    /**
     * Removes the files of a failed upload and its journal row; what fails here is left to {@link #recover()}. Also
     * right after recovery took this upload for dead (its process looked gone) and removed it: whatever the upload
     * stored since then goes too.
     */
    private void discard(String id, String prefix) {
        try {
            // Unless publishing failed only after its commit: then the files belong to the version.
            if (!catalog.isPublished(prefix)) {
                blobs.deleteAll(prefix);
            }
            journal.forget(id);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not remove the files of failed upload {} under {}; the next recovery will: {}", id, prefix, e.toString());
        }
    }

    /**
     * Removes what uploads killed on the way left behind: their stored files and journal rows, and the unpack
     * directories of processes that are no longer running. Run at start; safe while other processes upload, since
     * an upload is only taken for dead when its process's scratch lock is free (same machine), when it started more
     * than {@link #FOREIGN_UPLOAD_TIMEOUT} ago (another machine), or when a recovery already claimed it. Files of
     * published versions and every other blob (artifacts, run outputs) are never touched: each upload has a blob
     * prefix of its own. Returns the number of uploads removed.
     */
    public int recover() {
        Instant foreignBefore = Instant.now().minus(FOREIGN_UPLOAD_TIMEOUT);
        int removed = 0;
        for (UploadJournal.Upload u : journal.all()) {
            boolean dead = u.abandoned() || switch (scratch.owner(u.owner())) {
                case ALIVE -> false;
                case DEAD -> true;
                case ELSEWHERE -> u.startedAt().isBefore(foreignBefore);
            };
            if (!dead) {
                continue;
            }
            try {
                if (journal.abandon(u.id())) {
                    blobs.deleteAll(u.blobPrefix());
                    journal.forget(u.id());
                    removed++;
                    LOG.info("Removed the files of dataset upload {} of '{}', interrupted since {}", u.id(), u.name(), u.startedAt());
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Could not remove the files of interrupted upload {} under {}: {}", u.id(), u.blobPrefix(), e.toString());
            }
        }
        int swept = scratch.sweep();
        if (swept > 0) {
            LOG.info("Removed the unpack directories of {} stopped process(es)", swept);
        }
        return removed;
    }

    /** The newest version of every dataset, by name. */
    public List<DatasetVersion> list() {
        return catalog.newest();
    }

    /**
     * Every version of one dataset, oldest first; a 400 for a name no dataset can have, a 404 naming only the
     * dataset asked for if there is none (the list is {@code GET /datasets}).
     */
    public List<DatasetVersion> versions(String name) {
        checkName(name);
        List<DatasetVersion> versions = catalog.versions(name);
        if (versions.isEmpty()) {
            throw ClientErrorException.notFound("No dataset named '" + name + "'; GET /datasets lists the datasets, "
                    + "POST /datasets uploads one");
        }
        return versions;
    }

    /** {@code name} (newest version) or {@code name@N}; a 400 if malformed, a 404 if there is no such version. */
    public DatasetVersion resolve(String ref) {
        Matcher m = ref == null ? null : REF.matcher(ref);
        if (m == null || !m.matches()) {
            throw ClientErrorException.invalid("Dataset references look like 'faces' (newest version) or 'faces@2', got '"
                    + (ref == null ? null : DatasetZip.shown(ref)) + "'");
        }
        try {
            Names.datasetName(m.group(1));
        } catch (ClientErrorException e) {
            throw ClientErrorException.invalid("Dataset references look like 'faces' (newest version) or 'faces@2', got '"
                    + DatasetZip.shown(ref) + "': " + e.getMessage(), e);
        }
        List<DatasetVersion> versions = versions(m.group(1));
        DatasetVersion newest = versions.get(versions.size() - 1);
        if (m.group(2) == null) {
            return newest;
        }
        int wanted = Integer.parseInt(m.group(2));
        return versions.stream().filter(v -> v.version() == wanted).findFirst().orElseThrow(() -> ClientErrorException.notFound(
                "Dataset '" + m.group(1) + "' has no version " + wanted + "; its newest is " + newest.ref()));
    }

    /**
     * Puts a version's files into {@code targetDir} in the dataset layout and returns {@code targetDir}. With a
     * {@link DatasetCache}, the version is fetched from the store once per node and linked from the cache after that.
     */
    public Path materialize(DatasetVersion version, Path targetDir) {
        if (cache == null) {
            return fetch(version, targetDir);
        }
        try {
            cache.use(version, this::fetch, dir -> DatasetCache.link(dir, targetDir.toAbsolutePath().normalize()));
            return targetDir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot materialize dataset " + version.ref() + " into " + targetDir, e);
        }
    }

    /** Copies a version's files from the store into {@code targetDir}. */
    private Path fetch(DatasetVersion version, Path targetDir) {
        Path target = targetDir.toAbsolutePath().normalize();
        String prefix = catalog.blobPrefix(version);
        try {
            List<String> keys = blobs.list(prefix);
            if (keys.size() != version.fileCount()) {
                throw new IllegalStateException("Dataset " + version.ref() + " should have " + version.fileCount()
                        + " files but the store holds " + keys.size());
            }
            for (String key : keys) {
                Path out = target.resolve(key.substring(prefix.length())).normalize();
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

    /** Dataset names are also blob key segments and directory names: {@link Names#datasetName} is the one rule. */
    private static void checkName(String name) {
        Names.datasetName(name);
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

    private static void deleteQuietly(Path dir) {
        try {
            ScratchSpace.deleteTree(dir);
        } catch (IOException e) {
            LOG.warn("Could not delete the temporary directory {} (swept at the next start): {}", dir, e.toString());
        }
    }
}
