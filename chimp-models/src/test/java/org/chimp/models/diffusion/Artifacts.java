package org.chimp.models.diffusion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.chimp.api.ArtifactResolver;
import org.chimp.api.error.ClientErrorException;

/** A content-addressed artifact folder for tests: bytes stored under their sha256, resolved by reference. */
final class Artifacts implements ArtifactResolver {
    private final Path dir;
    private final Map<String, Path> files = new HashMap<>();

    Artifacts(Path dir) {
        this.dir = dir;
    }

    /** Stores each artifact and returns the name-to-reference map a model config carries. */
    Map<String, String> storeAll(Map<String, byte[]> artifacts) {
        Map<String, String> refs = new LinkedHashMap<>();
        artifacts.forEach((name, bytes) -> refs.put(name, store(bytes)));
        return refs;
    }

    String store(byte[] bytes) {
        try {
            String hex = java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            Path file = dir.resolve(hex);
            Files.write(file, bytes);
            files.put("sha256:" + hex, file);
            return "sha256:" + hex;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Path resolve(String ref) {
        Path p = files.get(ref);
        if (p == null) {
            throw ClientErrorException.notFound("no artifact " + ref);
        }
        return p;
    }
}
