package org.chimp.models.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.chimp.api.ArtifactResolver;
import org.chimp.api.error.ClientErrorException;

/** Files in a test directory under their {@code sha256:} references: the store's contract, without a store. */
public final class LocalArtifacts implements ArtifactResolver {
    private final Path dir;
    private final Map<String, Path> files = new HashMap<>();

    public LocalArtifacts(Path dir) {
        this.dir = dir;
    }

    /** Stores bytes and returns their reference. */
    public String put(String name, byte[] bytes) {
        try {
            Path file = dir.resolve(name);
            Files.write(file, bytes);
            return add(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a class-path resource (a file inside a dependency's jar) and returns its reference. */
    public String putResource(String name, String resource) {
        try (InputStream in = LocalArtifacts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + resource + " on the test class path");
            }
            Path file = dir.resolve(name);
            Files.copy(in, file);
            return add(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The reference of an existing file, which is then resolvable. */
    public String add(Path file) throws IOException {
        String ref = "sha256:" + sha256(file);
        files.put(ref, file);
        return ref;
    }

    @Override
    public Path resolve(String ref) {
        Path p = files.get(ref);
        if (p == null) {
            throw ClientErrorException.notFound("no artifact " + ref);
        }
        return p;
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
