package org.chimp.chain;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.WalletUtils;

/**
 * Reads a signing key from a file: one line of {@code 0x}-prefixed hex (64 digits), or an encrypted JSON keystore
 * with its password in a second file. The key is never printed: errors name the file, not its content.
 */
public final class KeyFile {
    private static final Pattern HEX_KEY = Pattern.compile("0x[0-9a-fA-F]{64}");
    private static final long MAX_BYTES = 64 * 1024;

    private KeyFile() {
    }

    public static Credentials read(Path file) throws IOException {
        return read(file, null);
    }

    /** With a password file, {@code file} is a JSON keystore (web3 secret storage). */
    public static Credentials read(Path file, Path passwordFile) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("chain key file " + file + " does not exist");
        }
        if (Files.size(file) > MAX_BYTES) {
            throw new IOException("chain key file " + file + " is too large to be a key");
        }
        if (passwordFile != null) {
            String password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
            try {
                return WalletUtils.loadCredentials(password, file.toFile());
            } catch (Exception e) {
                throw new IOException("chain keystore " + file + " could not be opened with the password in " + passwordFile);
            }
        }
        String content = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!HEX_KEY.matcher(content).matches()) {
            throw new IOException("chain key file " + file + " must hold one line: 0x followed by 64 hex digits");
        }
        return Credentials.create(content);
    }
}
