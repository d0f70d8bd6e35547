package org.chimp.store;

import java.nio.file.Path;

/**
 * One image of an unpacked upload.
 *
 * @param path   {@code <split>/<label>/<file>}, the file's place in the dataset
 * @param local  where it was unpacked
 * @param size   bytes
 * @param sha256 lowercase hex digest of the content
 */
record DatasetFile(String path, Path local, long size, String sha256) {
    String split() {
        return path.substring(0, path.indexOf('/'));
    }

    String label() {
        return path.split("/")[1];
    }
}
