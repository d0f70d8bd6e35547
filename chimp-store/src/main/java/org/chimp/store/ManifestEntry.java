package org.chimp.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One file of a dataset version's manifest.
 *
 * @param path    {@code <split>/<label>/<file>}
 * @param sha256  lowercase hex digest of the content
 * @param size    bytes
 * @param blobKey where the content is stored: {@code datasets/sha256/<hex>}, or a per-version key for versions stored
 *                before manifests existed
 */
public record ManifestEntry(String path, String sha256, long size, String blobKey) {
    /** Where content-addressed dataset files live; the garbage collector sweeps only here. */
    static final String CAS_PREFIX = "datasets/sha256/";

    static String casKey(String sha256) {
        return CAS_PREFIX + sha256;
    }

    String split() {
        return path.substring(0, path.indexOf('/'));
    }

    String label() {
        return path.split("/")[1];
    }

    /** sha256 over the sorted "path\tsha256\n" lines: the same as {@link ExtractedDataset#contentHash()} for the same files. */
    static String contentHash(Collection<ManifestEntry> files) {
        MessageDigest md = Sha256.digest();
        for (ManifestEntry f : sorted(files)) {
            md.update((f.path() + "\t" + f.sha256() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static List<ManifestEntry> sorted(Collection<ManifestEntry> files) {
        return files.stream().sorted(Comparator.comparing(ManifestEntry::path)).toList();
    }

    static long sizeBytes(Collection<ManifestEntry> files) {
        return files.stream().mapToLong(ManifestEntry::size).sum();
    }

    /** Split to label to number of files. */
    static Map<String, Map<String, Integer>> splits(Collection<ManifestEntry> files) {
        Map<String, Map<String, Integer>> splits = new TreeMap<>();
        for (ManifestEntry f : files) {
            splits.computeIfAbsent(f.split(), s -> new TreeMap<>()).merge(f.label(), 1, Integer::sum);
        }
        return splits;
    }
}
