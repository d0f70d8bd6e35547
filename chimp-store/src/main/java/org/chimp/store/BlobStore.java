package org.chimp.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Bytes under string keys ({@code datasets/faces/1/train/happy/0001.png}). Implementations: the filesystem now,
 * S3 next. Writes are atomic: a reader sees the whole object or none of it.
 */
public interface BlobStore {
    /** Stores the stream's bytes under the key, replacing any object there. */
    void put(String key, InputStream content) throws IOException;

    /** Opens an object for reading; fails with {@link java.nio.file.NoSuchFileException} if absent. */
    InputStream get(String key) throws IOException;

    /** True if an object is stored under the key. */
    boolean exists(String key) throws IOException;

    /** The keys that start with the prefix, sorted. */
    List<String> list(String prefix) throws IOException;

    /** Removes an object; absent objects are ignored. */
    void delete(String key) throws IOException;

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
