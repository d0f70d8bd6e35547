package org.chimp.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests as lowercase hex, the form used in artifact references and dataset hashes. */
final class Sha256 {
    private Sha256() {
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    static String hex(byte[] content) {
        return HexFormat.of().formatHex(digest().digest(content));
    }

    static String hex(InputStream in) throws IOException {
        MessageDigest md = digest();
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String hex(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return hex(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
