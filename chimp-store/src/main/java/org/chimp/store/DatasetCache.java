package org.chimp.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's local copies of dataset versions, one directory per content hash ({@code <root>/<hash>/}), so a worker
 * fetches a version from the (possibly remote) store once and later runs reuse it; versions with the same files
 * share one copy whatever their names. A copy is filled in a temporary directory and renamed into place, then
 * marked complete by {@code <hash>.complete} (holding its size), so a copy cut short by a crash is never used: it is
 * removed when the cache is next opened. Least recently used copies are evicted once the total passes the bound.
 *
 * <p>Runs get hard links to the cached files (copies where the file system cannot link), so evicting a copy never
 * pulls files from under a running job. One process per cache directory (each node has its own data directory).
 */
public final class DatasetCache {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetCache.class);
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final String COMPLETE = ".complete";

    /** Fills an empty directory with a version's files. */
    @FunctionalInterface
    interface Filler {
        void fill(DatasetVersion v, Path dir) throws IOException;
    }

    /** Uses a cached directory while its entry is locked against eviction. */
    @FunctionalInterface
    interface Use {
        void accept(Path dir) throws IOException;
    }

    private final Path root;
    private final long maxBytes;
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    /**
     * @param root     the cache directory, created if absent; leftovers of interrupted fills are removed
     * @param maxBytes the total size above which least recently used copies are evicted (the newest copy always stays)
     */
    public DatasetCache(Path root, long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("The dataset cache size must not be negative, got " + maxBytes);
        }
        this.root = root.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
        try {
            Files.createDirectories(this.root);
            removeIncomplete();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the dataset cache " + this.root, e);
        }
    }

    public Path root() {
        return root;
    }

    /**
     * Runs {@code use} on the cached directory of {@code v}, filling it first if it is not cached. The entry cannot be
     * evicted while {@code use} runs.
     */
    void use(DatasetVersion v, Filler filler, Use use) throws IOException {
        String key = v.contentHash();
        if (!HASH.matcher(key).matches()) {
            throw new IllegalStateException("Dataset " + v.ref() + " has no usable content hash");
        }
        synchronized (lock(key)) {
            Path dir = root.resolve(key);
            Path marker = root.resolve(key + COMPLETE);
            if (Files.isRegularFile(marker)) {
                Files.setLastModifiedTime(marker, FileTime.from(Instant.now()));
            } else {
                Path temp = root.resolve(key + "." + UUID.randomUUID() + ".part");
                try {
                    Files.createDirectories(temp);
                    filler.fill(v, temp);
                    ScratchSpace.deleteTree(dir);
                    Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
                    Files.writeString(marker, Long.toString(v.sizeBytes()), StandardCharsets.US_ASCII);
                    LOG.info("Cached dataset {} ({} bytes) in {}", v.ref(), v.sizeBytes(), dir);
                } finally {
                    ScratchSpace.deleteTree(temp);
                }
            }
            use.accept(dir);
        }
        evict(key);
    }

    /** The hashes of the complete copies, least recently used first. */
    List<String> entries() throws IOException {
        List<Entry> entries = completeEntries();
        return entries.stream().map(Entry::hash).toList();
    }

    private record Entry(String hash, long size, FileTime used) {
    }

    private List<Entry> completeEntries() throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(root, "*" + COMPLETE)) {
            for (Path marker : files) {
                String hash = marker.getFileName().toString().replace(COMPLETE, "");
                if (!HASH.matcher(hash).matches()) {
                    continue;
                }
                long size;
                try {
                    size = Long.parseLong(Files.readString(marker, StandardCharsets.US_ASCII).trim());
                } catch (NumberFormatException | IOException e) {
                    size = 0;
                }
                entries.add(new Entry(hash, size, Files.getLastModifiedTime(marker)));
            }
        }
        entries.sort(Comparator.comparing(Entry::used).thenComparing(Entry::hash));
        return entries;
    }

    /** Evicts least recently used copies, never {@code keep}, until the total fits the bound. */
    private void evict(String keep) {
        try {
            List<Entry> entries = completeEntries();
            long total = entries.stream().mapToLong(Entry::size).sum();
            for (Entry e : entries) {
                if (total <= maxBytes) {
                    break;
                }
                if (e.hash().equals(keep)) {
                    continue;
                }
                synchronized (lock(e.hash())) {
                    // The marker goes first: a copy without one is never used, and is removed at the next start.
                    Files.deleteIfExists(root.resolve(e.hash() + COMPLETE));
                    ScratchSpace.deleteTree(root.resolve(e.hash()));
                }
                total -= e.size();
                LOG.info("Evicted cached dataset {} ({} bytes)", e.hash(), e.size());
            }
        } catch (IOException e) {
            LOG.warn("Could not evict from the dataset cache {}: {}", root, e.toString());
        }
    }

    /** Removes fills cut short (temporary directories, copies without a marker). */
    private void removeIncomplete() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(root)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                boolean complete = HASH.matcher(name).matches() && Files.isRegularFile(root.resolve(name + COMPLETE));
                if (Files.isDirectory(p) && !complete) {
                    ScratchSpace.deleteTree(p);
                }
            }
        }
    }

    private Object lock(String key) {
        return locks.computeIfAbsent(key, k -> new Object());
    }

    /** Hard-links every file of {@code from} into {@code to} (created), copying where linking is not possible. */
    static void link(Path from, Path to) throws IOException {
        List<Path> files;
        try (var walk = Files.walk(from)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        for (Path f : files) {
            Path out = to.resolve(from.relativize(f).toString());
            Files.createDirectories(out.getParent());
            try {
                Files.createLink(out, f);
            } catch (UnsupportedOperationException | IOException e) {
                Files.copy(f, out, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
