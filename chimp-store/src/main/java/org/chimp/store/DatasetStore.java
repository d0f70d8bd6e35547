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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.chimp.api.Names;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.error.Quote;
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
    /** A partial blob write this old is taken as dead even while uploads are in progress. */
    static final Duration PARTIAL_WRITE_AGE = Duration.ofHours(1);

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
        return upload(name, zip, null);
    }

    /** {@link #upload(String, InputStream)}, recording {@code createdBy} (null if unknown) as the version's creator. */
    public DatasetVersion upload(String name, InputStream zip, String createdBy) {
        return store(name, zip, false, createdBy);
    }

    /**
     * Adds the files of a zip in the dataset layout to the newest version of {@code name}, as a new version that
     * shares every unchanged file with it (its manifest refers to the same stored content; nothing is copied). A file
     * whose path the newest version has replaces it. The same checks as {@link #upload}; a dataset without versions
     * gets its first one.
     */
    public DatasetVersion append(String name, InputStream zip, String createdBy) {
        return store(name, zip, true, createdBy);
    }

    /**
     * Adds single images under {@code <split>/<label>/} as in {@link #append}. They go through the same checks as a
     * zip (they are packed into one first): names, label, image validity and limits.
     */
    public DatasetVersion appendImages(String name, String split, String label, List<NamedImage> images, String createdBy) {
        checkName(name);
        if (!split.equals("train") && !split.equals("test")) {
            throw ClientErrorException.invalid("The split is 'train' or 'test', got '" + Quote.text(split) + "'");
        }
        Names.label(label);
        if (images.isEmpty()) {
            throw ClientErrorException.invalid("No image to add: send one or more file parts 'file'");
        }
        Path work = scratch.dir().resolve("images-" + UUID.randomUUID());
        try {
            Files.createDirectories(work);
            Path zip = work.resolve("images.zip");
            long total = 0;
            try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
                out.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
                for (NamedImage image : images) {
                    String file = image.filename() == null ? "" : image.filename();
                    if (file.isEmpty() || file.contains("/") || file.contains("\\")) {
                        throw ClientErrorException.invalid("Each image part needs a plain file name (no folders), got '"
                                + Quote.text(file) + "'");
                    }
                    out.putNextEntry(new java.util.zip.ZipEntry(split + "/" + label + "/" + file));
                    total += copyLimited(image.content(), out, limits.maxCompressedBytes() - total);
                    out.closeEntry();
                }
            } catch (java.util.zip.ZipException e) {
                throw ClientErrorException.invalid("Two images have the same file name: " + e.getMessage(), e);
            }
            try (InputStream in = Files.newInputStream(zip)) {
                return store(name, in, true, createdBy);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot store images for dataset " + name, e);
        } finally {
            deleteQuietly(work);
        }
    }

    /** An uploaded image: its file name and content. */
    public record NamedImage(String filename, InputStream content) {
    }

    private DatasetVersion store(String name, InputStream zip, boolean append, String createdBy) {
        checkName(name);
        String id = UUID.randomUUID().toString();
        String prefix = "datasets/" + name + "/" + id + "/";
        Path work = scratch.dir().resolve(id);
        boolean journaled = false;
        List<String> keys = List.of();
        try {
            Files.createDirectories(work);
            Path zipFile = work.resolve("upload.zip");
            try (OutputStream out = Files.newOutputStream(zipFile)) {
                copyLimited(zip, out, limits.maxCompressedBytes());
            }
            ExtractedDataset files = new DatasetZip(limits).extract(zipFile, work.resolve("files"));
            // Paths are not blob keys any more, but they become files wherever a version is materialized: the same
            // rules (no reserved suffixes) keep them plain.
            files.files().forEach(f -> BlobKeys.check(prefix + f.path()));
            if (append) {
                fillLegacyManifests(name);
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            journal.begin(new UploadJournal.Upload(id, name, prefix, scratch.id(), now, false));
            journaled = true;
            Map<String, DatasetFile> byHash = new LinkedHashMap<>();
            files.files().forEach(f -> byHash.putIfAbsent(f.sha256(), f));
            // Registered before looking: a blob found stored now stays until the manifest refers to it.
            keys = byHash.keySet().stream().map(ManifestEntry::casKey).toList();
            journal.registerBlobs(id, keys);
            Transfers.each(List.copyOf(byHash.values()), f -> {
                String key = ManifestEntry.casKey(f.sha256());
                if (!blobs.exists(key)) {
                    try (InputStream in = Files.newInputStream(f.local())) {
                        blobs.put(key, in, f.sha256());
                    }
                }
            });
            List<ManifestEntry> manifest = files.files().stream()
                    .map(f -> new ManifestEntry(f.path(), f.sha256(), f.size(), ManifestEntry.casKey(f.sha256()))).toList();
            DatasetVersion v = catalog.publish(new DatasetCatalog.Publication(name, id, prefix, manifest, append, createdBy, now));
            journaled = false;
            LOG.info("Stored dataset {} ({} files, {} bytes, {} new)", v.ref(), v.fileCount(), v.sizeBytes(), manifest.size());
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot store dataset " + name, e);
        } finally {
            if (journaled) {
                discard(id, prefix, keys);
            }
            deleteQuietly(work);
        }
    }

    /**
     * Removes the files of a failed upload and its journal row; what fails here is left to {@link #recover()}. Also
     * right after recovery took this upload for dead (its process looked gone) and removed it: whatever the upload
     * stored since then goes too.
     */
    private void discard(String id, String prefix, List<String> keys) {
        try {
            // Unless publishing failed only after its commit: then the files belong to the version.
            if (!catalog.isPublished(prefix)) {
                blobs.deleteAll(prefix);
            }
            journal.forget(id);
            // The blobs it stored that nothing else refers to (shared ones stay).
            sweep(keys);
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
        try {
            // Only uploads write dataset blobs: with none in progress anywhere, every partial write there is a dead
            // one; otherwise only those old enough that no live write can still be at it.
            Instant checked = Instant.now();
            boolean quiet = journal.all().isEmpty();
            blobs.deletePartials(ManifestEntry.CAS_PREFIX, quiet ? checked : checked.minus(PARTIAL_WRITE_AGE));
            collectGarbage();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not collect unused dataset blobs: {}", e.toString());
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
                    + (ref == null ? null : Quote.text(ref)) + "'");
        }
        try {
            Names.datasetName(m.group(1));
        } catch (ClientErrorException e) {
            throw ClientErrorException.invalid("Dataset references look like 'faces' (newest version) or 'faces@2', got '"
                    + Quote.text(ref) + "': " + e.getMessage(), e);
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

    /** Copies a version's files from the store into {@code targetDir}, each checked against its manifest hash. */
    private Path fetch(DatasetVersion version, Path targetDir) {
        Path target = targetDir.toAbsolutePath().normalize();
        try {
            List<ManifestEntry> files = manifest(version);
            Transfers.each(files, f -> {
                Path out = target.resolve(f.path()).normalize();
                if (!out.startsWith(target)) {
                    throw new IllegalStateException("Manifest path " + f.path() + " of " + version.ref() + " points outside " + target);
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = Sha256.verifying(blobs.get(f.blobKey()), f.sha256(), version.ref() + ":" + f.path())) {
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
            });
            return targetDir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot materialize dataset " + version.ref() + " into " + targetDir, e);
        }
    }

    /** The manifest of a version, filled in first for a version stored before manifests existed. */
    List<ManifestEntry> manifest(DatasetVersion v) throws IOException {
        List<ManifestEntry> files = catalog.manifest(v);
        if (files.isEmpty() && v.fileCount() > 0) {
            fillLegacyManifest(v);
            files = catalog.manifest(v);
        }
        if (files.size() != v.fileCount()) {
            throw new IllegalStateException("Dataset " + v.ref() + " should have " + v.fileCount() + " files but its manifest lists " + files.size());
        }
        return files;
    }

    private void fillLegacyManifests(String name) throws IOException {
        for (DatasetVersion v : catalog.versions(name)) {
            manifest(v);
        }
    }

    /** Hashes the files of a version stored under its own prefix (before manifests) and records them. */
    private void fillLegacyManifest(DatasetVersion v) throws IOException {
        String prefix = catalog.blobPrefix(v);
        List<ManifestEntry> files = new java.util.ArrayList<>();
        for (String key : blobs.list(prefix)) {
            try (Sha256.Counting in = new Sha256.Counting(blobs.get(key))) {
                in.transferTo(OutputStream.nullOutputStream());
                files.add(new ManifestEntry(key.substring(prefix.length()), in.hex(), in.count(), key));
            }
        }
        catalog.fillManifest(v, files);
    }

    /** A version with where it came from: the summary {@code GET /datasets/{name}/versions/{v}} shows. */
    public record VersionInfo(DatasetVersion version, Integer parent, String createdBy) {
    }

    /** {@code name@version} with its parent and creator; 400/404 as {@link #resolve}. */
    public VersionInfo info(String name, String version) {
        DatasetVersion v = resolve(name, version);
        DatasetCatalog.Origin o = catalog.origin(v);
        return new VersionInfo(v, o.parent(), o.createdBy());
    }

    /** The version a path's {@code name} and {@code version} segments name; a 400 for a malformed number. */
    public DatasetVersion resolve(String name, String version) {
        checkName(name);
        if (version == null || !version.matches("[1-9][0-9]{0,8}")) {
            throw ClientErrorException.invalid("Dataset versions are numbers from 1 (as in /datasets/" + name + "/versions/2), got '"
                    + (version == null ? null : Quote.text(version)) + "'");
        }
        return resolve(name + "@" + version);
    }

    /** Most files one listing returns. */
    public static final int MAX_LISTING = 1000;

    /**
     * A page of a version's files, in path order: those whose path starts with {@code prefix} (literally), from
     * {@code offset}, at most {@code limit} (1 to {@link #MAX_LISTING}).
     */
    public List<ManifestEntry> files(DatasetVersion v, String prefix, long offset, int limit) throws IOException {
        if (offset < 0 || limit < 1 || limit > MAX_LISTING) {
            throw ClientErrorException.invalid("offset must be 0 or more and limit between 1 and " + MAX_LISTING + "; got offset "
                    + offset + ", limit " + limit);
        }
        if (prefix.length() > DatasetZip.MAX_ENTRY_NAME || prefix.chars().anyMatch(Character::isISOControl)) {
            throw ClientErrorException.invalid("The prefix must be at most " + DatasetZip.MAX_ENTRY_NAME + " characters without control characters");
        }
        manifest(v);
        return offset >= v.fileCount() ? List.of() : catalog.files(v, prefix, offset, limit);
    }

    /** One file of a version by its exact path; a 404 naming the path if the version has no such file. */
    public ManifestEntry file(DatasetVersion v, String path) throws IOException {
        if (path == null || path.length() > DatasetZip.MAX_ENTRY_NAME || path.startsWith("/") || path.indexOf('\\') >= 0
                || path.chars().anyMatch(Character::isISOControl)
                || java.util.Arrays.stream(path.split("/", -1)).anyMatch(seg -> seg.isEmpty() || seg.equals(".") || seg.equals(".."))) {
            throw ClientErrorException.invalid("File paths in a dataset look like train/<label>/<image>: relative, no '.', '..' or "
                    + "empty segments, at most " + DatasetZip.MAX_ENTRY_NAME + " characters");
        }
        manifest(v);
        return catalog.file(v, path).orElseThrow(() -> ClientErrorException.notFound("Dataset " + v.ref() + " has no file '"
                + Quote.text(path) + "'; GET /datasets/" + v.name() + "/versions/" + v.version() + "/files lists its files"));
    }

    /** The content of a file of the manifest, checked against its hash as it is read. */
    public InputStream open(DatasetVersion v, ManifestEntry f) throws IOException {
        return Sha256.verifying(blobs.get(f.blobKey()), f.sha256(), v.ref() + ":" + f.path());
    }

    /** Writes a version as a zip in the dataset layout, file by file as it is read from the store. */
    public void writeZip(DatasetVersion v, OutputStream out) throws IOException {
        List<ManifestEntry> files = manifest(v);
        java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(out);
        // Images are compressed already: stored entries cost no CPU and the zip is as small.
        zip.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
        for (ManifestEntry f : files) {
            zip.putNextEntry(new java.util.zip.ZipEntry(f.path()));
            try (InputStream in = open(v, f)) {
                in.transferTo(zip);
            }
            zip.closeEntry();
        }
        zip.finish();
        zip.flush();
    }

    /** Who uses a dataset version (model versions trained on it), so that deleting it can be refused. */
    @FunctionalInterface
    public interface Usage {
        /** Descriptions of the users of the version, such as "model faces-cnn version 3"; empty if none. */
        List<String> usersOf(DatasetVersion v);
    }

    private volatile Usage usage = v -> List.of();

    /** Sets what {@link #delete} asks before deleting a version. */
    public void setUsage(Usage usage) {
        this.usage = usage;
    }

    /**
     * Deletes a version: a 409 naming its users while any model version's lineage uses it, unless {@code force}.
     * Its number is never reused; the blobs only it referenced are removed. Returns the number of blobs removed.
     */
    public int delete(String name, String version, boolean force) throws IOException {
        DatasetVersion v = resolve(name, version);
        List<String> users = usage.usersOf(v);
        if (!users.isEmpty() && !force) {
            throw ClientErrorException.conflict("Dataset " + v.ref() + " is used by " + String.join(", ", users.subList(0, Math.min(10, users.size())))
                    + (users.size() > 10 ? " and " + (users.size() - 10) + " more" : "") + "; delete with force=true to delete it anyway");
        }
        manifest(v);
        List<String> keys = catalog.delete(v);
        LOG.info("Deleted dataset {}{}", v.ref(), users.isEmpty() ? "" : " (forced; it was used by " + users + ")");
        return sweep(keys);
    }

    /**
     * Removes the content-addressed dataset blobs that no version's manifest and no upload in progress refers to:
     * what deleted versions and killed uploads left. Never touches other blobs (artifacts, run outputs). Returns the
     * number removed.
     */
    public int collectGarbage() throws IOException {
        return sweep(blobs.list(ManifestEntry.CAS_PREFIX));
    }

    /** Small batches: uploads wait for the lock while a batch is deleted (the database lock timeout bounds that wait). */
    private static final int SWEEP_BATCH = 100;

    /** Deletes those of the keys nothing refers to, batch by batch under the collector's lock. */
    private int sweep(List<String> keys) throws IOException {
        int removed = 0;
        for (int i = 0; i < keys.size(); i += SWEEP_BATCH) {
            List<String> batch = keys.subList(i, Math.min(keys.size(), i + SWEEP_BATCH));
            removed += catalog.sweep(batch, blobs);
        }
        if (removed > 0) {
            LOG.info("Removed {} dataset blob(s) no version uses", removed);
        }
        return removed;
    }

    /** Dataset names are also blob key segments and directory names: {@link Names#datasetName} is the one rule. */
    private static void checkName(String name) {
        Names.datasetName(name);
    }

    /** Copies at most {@code max} bytes; more is a 413. Returns the number copied. */
    private long copyLimited(InputStream in, OutputStream out, long max) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            total += n;
            if (total > max) {
                throw ClientErrorException.tooLarge("The upload is larger than " + limits.maxCompressedBytes()
                        + " bytes, the limit; split the dataset into smaller uploads");
            }
            out.write(buf, 0, n);
        }
        return total;
    }

    private static void deleteQuietly(Path dir) {
        try {
            ScratchSpace.deleteTree(dir);
        } catch (IOException e) {
            LOG.warn("Could not delete the temporary directory {} (swept at the next start): {}", dir, e.toString());
        }
    }
}
