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
public record AdminToken(String value, Path file) {
    /**
     * The line a starting server prints about the token. A token the operator configured is never printed (logs
     * are read by more people than the environment); one CHIMP generated into the data directory is, since the
     * person who just started CHIMP needs it and can read that file anyway.
     */
    public String notice() {
        return file == null
                ? "Admin token: the one configured in CHIMP_ADMIN_TOKEN or the config file (not printed)"
                : "Admin token (send as 'Authorization: Bearer <token>', kept in " + file + "): " + value;
    }

    /** The configured token, or the one stored in the data directory, or a new one stored there. */
    public static AdminToken resolve(Optional<String> configured, Path dataDir) throws IOException {
        if (configured.isPresent()) {
            String t = configured.get().trim();
            if (t.length() < 16) {
                throw new IllegalArgumentException("CHIMP_ADMIN_TOKEN must be at least 16 characters long");
            }
            return new AdminToken(t, null);
        }
        Path file = dataDir.resolve("admin-token");
        if (Files.isRegularFile(file)) {
            return new AdminToken(Files.readString(file).trim(), file);
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
        return new AdminToken(token, file);
    }
}
