package org.chimp.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Bytes under string keys ({@code datasets/faces/1/train/happy/0001.png}). Implementations: a directory
 * ({@link FileBlobStore}) and S3 ({@link S3BlobStore}); {@link BlobStores#open} picks one from a store URL. Writes
 * are atomic: a reader sees the whole object or none of it.
 */
public interface BlobStore {
    /** Stores the stream's bytes under the key, replacing any object there. */
    void put(String key, InputStream content) throws IOException;

    /**
     * Stores the stream's bytes under the key only if they hash to {@code sha256} (64 lowercase hex digits): bytes
     * that do not (a truncated or altered stream) are an IOException, and the key keeps what it had. This default
     * stores first and removes a mismatch afterwards; the real backends check before the object becomes visible.
     */
    default void put(String key, InputStream content, String sha256) throws IOException {
        Sha256.Counting in = new Sha256.Counting(content);
        put(key, in);
        String actual = in.hex();
        if (!actual.equals(sha256)) {
            delete(key);
            throw Sha256.mismatch(key, sha256, actual);
        }
    }

    /** Opens an object for reading; fails with {@link java.nio.file.NoSuchFileException} if absent. */
    InputStream get(String key) throws IOException;

    /** True if an object is stored under the key. */
    boolean exists(String key) throws IOException;

    /** The keys that start with the prefix, sorted. */
    List<String> list(String prefix) throws IOException;

    /** Removes an object; absent objects are ignored. */
    void delete(String key) throws IOException;

    /**
     * Removes what writes under the prefix that were interrupted (a killed process) before {@code before} left
     * behind: temporary files, unfinished multipart uploads. Writes still in progress that started earlier are
     * broken by this, so callers pass a time no live write can be older than.
     */
    default void deletePartials(String prefix, java.time.Instant before) throws IOException {
    }

    /**
     * Removes every object under a folder-like prefix ending in '/', and whatever a write interrupted there left
     * behind. Only for prefixes that nothing is still writing to.
     */
    default void deleteAll(String prefix) throws IOException {
        for (String key : list(prefix)) {
            delete(key);
        }
    }
}
