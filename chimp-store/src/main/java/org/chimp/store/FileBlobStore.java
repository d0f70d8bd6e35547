package org.chimp.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Blobs as files under a root directory, one file per key. A write goes to a temporary file next to its target
 * and is then renamed over it atomically, so readers never see a partial object.
 */
public final class FileBlobStore implements BlobStore {
    private final Path root;

    /** A store rooted at {@code root}, created if absent. */
    public FileBlobStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the blob store directory " + this.root, e);
        }
    }

    /** The directory the blobs live in. */
    public Path root() {
        return root;
    }

    @Override
    public void put(String key, InputStream content) throws IOException {
        write(key, content, null);
    }

    /** Checks the hash on the staged file, before the rename makes it visible. */
    @Override
    public void put(String key, InputStream content, String sha256) throws IOException {
        write(key, content, sha256);
    }

    private void write(String key, InputStream content, String sha256) throws IOException {
        Path target = path(key);
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + BlobKeys.TEMP_SUFFIX);
        try {
            Sha256.Counting in = new Sha256.Counting(content);
            Files.copy(in, temp);
            String actual = in.hex();
            if (sha256 != null && !actual.equals(sha256)) {
                throw Sha256.mismatch(key, sha256, actual);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("The file system under " + root + " cannot rename atomically; put the store elsewhere", e);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public InputStream get(String key) throws IOException {
        Path p = path(key);
        if (!Files.isRegularFile(p)) {
            throw new NoSuchFileException(key);
        }
        return Files.newInputStream(p);
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(path(key));
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        BlobKeys.checkPrefix(prefix);
        // Walk only the deepest directory the prefix names completely; the rest is filtered by string.
        int slash = prefix.lastIndexOf('/');
        Path dir = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().endsWith(BlobKeys.TEMP_SUFFIX))
                    .map(p -> root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/"))
                    .filter(k -> k.startsWith(prefix))
                    .sorted()
                    .toList();
        } catch (UncheckedIOException e) {
            // A concurrent delete can remove a directory while it is walked.
            throw e.getCause();
        }
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(path(key));
    }

    @Override
    public void deletePartials(String prefix, java.time.Instant before) throws IOException {
        int slash = BlobKeys.checkPrefix(prefix).lastIndexOf('/');
        Path dir = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> partials;
        try (Stream<Path> files = Files.walk(dir)) {
            partials = files.filter(p -> p.getFileName().toString().endsWith(BlobKeys.TEMP_SUFFIX)).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (Path p : partials) {
            try {
                if (Files.getLastModifiedTime(p).toInstant().isBefore(before)) {
                    Files.deleteIfExists(p);
                }
            } catch (NoSuchFileException e) {
                // Its write finished or failed meanwhile.
            }
        }
    }

    /** Deletes the prefix's directory with everything in it, half-written temporary files included. */
    @Override
    public void deleteAll(String prefix) throws IOException {
        if (!BlobKeys.checkPrefix(prefix).endsWith("/")) {
            throw new IllegalArgumentException("deleteAll takes a folder prefix ending in '/', got '" + prefix + "'");
        }
        ScratchSpace.deleteTree(path(prefix.substring(0, prefix.length() - 1)));
    }

    private Path path(String key) {
        Path p = root.resolve(BlobKeys.check(key)).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new IllegalStateException("Key " + key + " escaped the store root despite validation");
        }
        return p;
    }
}
