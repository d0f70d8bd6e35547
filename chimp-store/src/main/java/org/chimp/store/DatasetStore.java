package org.chimp.store;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;

/**
 * Datasets in the FER2013 folder layout ({@code train/<label>/*.png|jpg}, optional {@code test/...}), uploaded as
 * zips, validated before anything is stored, kept as immutable versions (files in the blob store, metadata in
 * the database).
 */
public final class DatasetStore {
    public DatasetStore(DataSource ds, BlobStore blobs, UploadLimits limits) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Validates a zip and stores it as the next version of {@code name}. Not a zip, path traversal, duplicate
     * entry names, no images, wrong layout, too large or too many entries: a 400 (413 for size) and nothing stored.
     */
    public DatasetVersion upload(String name, InputStream zip) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The newest version of every dataset, by name. */
    public List<DatasetVersion> list() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Every version of one dataset, oldest first; 404 if there is none. */
    public List<DatasetVersion> versions(String name) {
        throw new UnsupportedOperationException("not yet");
    }

    /** {@code name} (newest version) or {@code name@N}; a 404 naming the known datasets otherwise. */
    public DatasetVersion resolve(String ref) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Copies a version's files into {@code targetDir} in the dataset layout and returns {@code targetDir}. */
    public Path materialize(DatasetVersion version, Path targetDir) {
        throw new UnsupportedOperationException("not yet");
    }
}
