package org.chimp.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.chimp.api.ArtifactResolver;
import org.chimp.api.error.ClientErrorException;

/**
 * Content-addressed artifacts (model weights, configs): stored once under their sha256, returned as
 * {@code sha256:<hex>} references, and checked against the hash whenever they are resolved to a local file.
 */
public final class ArtifactStore implements ArtifactResolver {
    private static final String PREFIX = "sha256:";
    private static final Pattern REF = Pattern.compile("sha256:[0-9a-f]{64}");

    private final BlobStore blobs;
    private final Path cacheDir;
    /** Hashes whose cached file was checked by this instance; later resolves trust the file. */
    private final Set<String> verified = ConcurrentHashMap.newKeySet();

    /**
     * @param blobs    where artifacts live, under {@code artifacts/sha256/<hex>}
     * @param cacheDir local directory where resolved artifacts are kept as files
     */
    public ArtifactStore(BlobStore blobs, Path cacheDir) {
        this.blobs = blobs;
        this.cacheDir = cacheDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.cacheDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the artifact cache " + this.cacheDir, e);
        }
    }

    /** Stores a file and returns its reference; storing the same content twice stores it once. */
    public String put(Path file) {
        String hex = Sha256.hex(file);
        try {
            if (!blobs.exists(key(hex))) {
                try (InputStream in = Files.newInputStream(file)) {
                    // The file may change between hashing and storing: the store checks the bytes it receives.
                    blobs.put(key(hex), in, hex);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot store artifact " + file, e);
        }
        return PREFIX + hex;
    }

    /** Stores bytes and returns their reference. */
    public String put(byte[] content) {
        String hex = Sha256.hex(content);
        try {
            if (!blobs.exists(key(hex))) {
                blobs.put(key(hex), new ByteArrayInputStream(content), hex);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot store an artifact of " + content.length + " bytes", e);
        }
        return PREFIX + hex;
    }

    /** True if the reference is well-formed and stored. */
    public boolean exists(String ref) {
        try {
            return blobs.exists(key(parse(ref)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A local, hash-checked file for the reference; a 404 ClientErrorException if unknown, a 400 if malformed.
     * Content that does not match its hash is an IllegalStateException: the store is corrupt, not the request.
     */
    @Override
    public Path resolve(String ref) {
        String hex = parse(ref);
        Path local = cacheDir.resolve(hex);
        if (verified.contains(hex) && Files.isRegularFile(local)) {
            return local;
        }
        try {
            if (!Files.isRegularFile(local)) {
                fetch(hex, local);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot fetch artifact " + ref, e);
        }
        String actual = Sha256.hex(local);
        if (!actual.equals(hex)) {
            try {
                // Drop the bad copy so a repaired store is picked up next time.
                Files.deleteIfExists(local);
            } catch (IOException ignored) {
                // The error below is what matters.
            }
            throw new IllegalStateException("Artifact " + ref + " is corrupt: its content hashes to sha256:" + actual);
        }
        verified.add(hex);
        return local;
    }

    /** The artifact's content, checked against its hash first (see {@link #resolve}). */
    public InputStream open(String ref) {
        try {
            return Files.newInputStream(resolve(ref));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read artifact " + ref, e);
        }
    }

    /**
     * The artifact's content streamed from the store, without a local copy; reading it to the end checks it against
     * its hash (a mismatch is an IOException at the last read, so a reader never takes corrupt bytes for good ones).
     * A 404 ClientErrorException if unknown, a 400 if malformed.
     */
    public InputStream stream(String ref) {
        String hex = parse(ref);
        try {
            return Sha256.verifying(blobs.get(key(hex)), hex, key(hex));
        } catch (NoSuchFileException e) {
            throw ClientErrorException.notFound("No artifact " + PREFIX + hex + " is stored");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read artifact " + ref, e);
        }
    }

    private void fetch(String hex, Path local) throws IOException {
        if (!blobs.exists(key(hex))) {
            throw ClientErrorException.notFound("No artifact " + PREFIX + hex + " is stored; store it before referring to it");
        }
        Path temp = cacheDir.resolve(hex + "." + UUID.randomUUID() + ".part");
        try (InputStream in = blobs.get(key(hex))) {
            Files.copy(in, temp);
            Files.move(temp, local, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static String parse(String ref) {
        if (ref == null || !REF.matcher(ref).matches()) {
            throw ClientErrorException.invalid("Artifact references look like 'sha256:' followed by 64 lowercase hex digits, got '" + ref + "'");
        }
        return ref.substring(PREFIX.length());
    }

    private static String key(String hex) {
        return "artifacts/sha256/" + hex;
    }
}
