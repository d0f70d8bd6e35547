package org.chimp.tracking.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a downloaded artifact goes in the target directory. */
public final class ArtifactFiles {
    private ArtifactFiles() {
    }

    /**
     * The file for a relative artifact path, its directories created. A path that would leave the directory is
     * refused: the names come from the server, which the caller's file system should not have to trust.
     */
    public static Path target(Path dir, String relativePath) {
        Path root = dir.toAbsolutePath().normalize();
        Path target = root.resolve(relativePath).normalize();
        if (!target.startsWith(root) || target.equals(root) || relativePath.contains("\\")) {
            throw new IllegalStateException("Refusing to write artifact '" + relativePath + "' outside " + root);
        }
        try {
            Files.createDirectories(target.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + target.getParent(), e);
        }
        return target;
    }
}
