package org.chimp.store;

import java.time.Instant;
import java.util.Map;

/**
 * One immutable version of a dataset. Uploading under an existing name makes a new version; nothing is ever
 * changed in place (CHIMP's originals overwrote datasets).
 *
 * @param contentHash sha256 over the sorted (path, file hash) list: two uploads with the same files have the same hash
 * @param splits      split ("train", "test") to label to number of files
 */
public record DatasetVersion(String name, int version, String contentHash, long fileCount, long sizeBytes,
                             Map<String, Map<String, Integer>> splits, Instant createdAt) {
    /** The reference that names exactly this version: {@code name@version}. */
    public String ref() {
        return name + "@" + version;
    }
}
