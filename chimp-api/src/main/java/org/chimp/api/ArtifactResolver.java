package org.chimp.api;

import java.nio.file.Path;

/**
 * Turns a content-addressed artifact reference ({@code sha256:<hex>}) into a local file whose content has been
 * checked against the hash. Stores implement it; architectures only ever see verified files.
 */
@FunctionalInterface
public interface ArtifactResolver {
    /** The local file for a reference; fails if it is unknown or its content does not match the hash. */
    Path resolve(String ref);
}
