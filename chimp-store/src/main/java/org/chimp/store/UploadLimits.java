package org.chimp.store;

/**
 * Bounds on an uploaded zip, checked while reading so a zip bomb is stopped before it fills the disk.
 *
 * @param maxCompressedBytes   size of the zip itself
 * @param maxUncompressedBytes total size of all entries once unpacked
 * @param maxEntries           number of entries; the zip's central directory may also take at most 320 bytes per
 *                             allowed entry (64 MB by default), as Java reads it into memory whole
 * @param maxRatio             largest allowed uncompressed/compressed ratio of a single entry
 */
public record UploadLimits(long maxCompressedBytes, long maxUncompressedBytes, int maxEntries, int maxRatio) {
    /** 512 MiB zipped, 2 GiB unpacked, 200,000 entries, ratio 200. */
    public static UploadLimits defaults() {
        return new UploadLimits(512L << 20, 2L << 30, 200_000, 200);
    }
}
