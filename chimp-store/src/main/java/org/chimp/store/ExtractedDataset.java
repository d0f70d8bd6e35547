package org.chimp.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The validated, unpacked images of an upload, not yet stored. */
record ExtractedDataset(List<DatasetFile> files) {
    ExtractedDataset {
        files = files.stream().sorted(Comparator.comparing(DatasetFile::path)).toList();
    }

    /** sha256 over the sorted "path\tsha256(file)\n" lines: equal for equal files, whatever the zip looked like. */
    String contentHash() {
        MessageDigest md = Sha256.digest();
        for (DatasetFile f : files) {
            md.update((f.path() + "\t" + f.sha256() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    long sizeBytes() {
        return files.stream().mapToLong(DatasetFile::size).sum();
    }

    /** Split to label to number of files. */
    Map<String, Map<String, Integer>> splits() {
        Map<String, Map<String, Integer>> splits = new TreeMap<>();
        for (DatasetFile f : files) {
            splits.computeIfAbsent(f.split(), s -> new TreeMap<>()).merge(f.label(), 1, Integer::sum);
        }
        return splits;
    }
}
