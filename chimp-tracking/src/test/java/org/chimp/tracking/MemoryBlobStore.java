package org.chimp.tracking;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import org.chimp.store.BlobStore;

/** A blob store in memory, so tracking tests do not depend on the store module's implementations. */
public final class MemoryBlobStore implements BlobStore {
    private final ConcurrentSkipListMap<String, byte[]> blobs = new ConcurrentSkipListMap<>();

    @Override
    public void put(String key, InputStream content) throws IOException {
        blobs.put(key, content.readAllBytes());
    }

    @Override
    public InputStream get(String key) throws IOException {
        byte[] b = blobs.get(key);
        if (b == null) {
            throw new NoSuchFileException(key);
        }
        return new ByteArrayInputStream(b);
    }

    @Override
    public boolean exists(String key) {
        return blobs.containsKey(key);
    }

    @Override
    public List<String> list(String prefix) {
        return blobs.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
    }

    @Override
    public void delete(String key) {
        blobs.remove(key);
    }
}
