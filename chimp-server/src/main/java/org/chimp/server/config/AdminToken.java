package org.chimp.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The token every API call must present. Taken from CHIMP_ADMIN_TOKEN (or the config file) when set; otherwise
 * generated once, kept in {@code <data-dir>/admin-token} readable by the owner only, and reused on restart. It is
 * never a command-line option, where other users of the machine could read it.
 */
public final class AdminToken {
    private AdminToken() {
    }

    /** The configured token, or the one stored in the data directory, or a new one stored there. */
    public static String resolve(Optional<String> configured, Path dataDir) throws IOException {
        if (configured.isPresent()) {
            String t = configured.get().trim();
            if (t.length() < 16) {
                throw new IllegalArgumentException("CHIMP_ADMIN_TOKEN must be at least 16 characters long");
            }
            return t;
        }
        Path file = dataDir.resolve("admin-token");
        if (Files.isRegularFile(file)) {
            return Files.readString(file).trim();
        }
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        Files.createDirectories(dataDir);
        Files.writeString(file, token + "\n", StandardOpenOption.CREATE_NEW);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system (Windows): the directory's permissions have to do.
        }
        return token;
    }
}
