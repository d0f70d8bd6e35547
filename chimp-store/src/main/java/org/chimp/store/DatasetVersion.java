package org.chimp.store;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One immutable version of a dataset. Uploading under an existing name makes a new version; nothing is ever
 * changed in place (CHIMP's originals overwrote datasets).
 *
 * @param contentHash sha256 over the sorted (path, file hash) list: two uploads with the same files have the same hash
 * @param splits      split ("train", "test") to label to number of files
 */
public record DatasetVersion(String name, int version, String contentHash, long fileCount, long sizeBytes,
                             Map<String, Map<String, Integer>> splits, Instant createdAt) {
    public DatasetVersion {
        // A sorted, unmodifiable deep copy: versions are values and print the same way every time.
        Map<String, Map<String, Integer>> copy = new TreeMap<>();
        splits.forEach((split, labels) -> copy.put(split, Collections.unmodifiableMap(new TreeMap<>(labels))));
        splits = Collections.unmodifiableMap(copy);
    }

    /** The reference that names exactly this version: {@code name@version}. */
    public String ref() {
        return name + "@" + version;
    }
}
