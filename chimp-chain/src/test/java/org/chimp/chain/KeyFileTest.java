package org.chimp.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.WalletUtils;

class KeyFileTest {
    private static final String KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

    @TempDir
    Path dir;

    @Test
    void aHexLineIsAKey() throws Exception {
        Path file = Files.writeString(dir.resolve("k"), KEY + "\n");
        assertThat(KeyFile.read(file).getAddress()).isEqualTo(Credentials.create(KEY).getAddress());
    }

    @Test
    void aKeystoreOpensWithItsPasswordFile() throws Exception {
        String name = WalletUtils.generateLightNewWalletFile("secret", dir.toFile());
        Path password = Files.writeString(dir.resolve("password"), "secret\n");
        assertThat(KeyFile.read(dir.resolve(name), password).getAddress()).startsWith("0x");
        Path wrong = Files.writeString(dir.resolve("wrong"), "nope");
        assertThatThrownBy(() -> KeyFile.read(dir.resolve(name), wrong)).hasMessageContaining("could not be opened").hasMessageNotContaining("nope");
    }

    @Test
    void badFilesAreNamedButTheirContentIsNeverShown() throws Exception {
        Path noPrefix = Files.writeString(dir.resolve("a"), KEY.substring(2));
        assertThatThrownBy(() -> KeyFile.read(noPrefix)).hasMessageContaining("0x followed by 64 hex digits")
                .hasMessageNotContaining(KEY.substring(2, 20));
        Path twoLines = Files.writeString(dir.resolve("b"), KEY + "\n" + KEY);
        assertThatThrownBy(() -> KeyFile.read(twoLines)).hasMessageNotContaining(KEY.substring(2, 20));
        assertThatThrownBy(() -> KeyFile.read(dir.resolve("missing"))).hasMessageContaining("does not exist");
        Path huge = Files.write(dir.resolve("huge"), new byte[100_000]);
        assertThatThrownBy(() -> KeyFile.read(huge)).hasMessageContaining("too large");
    }
}
