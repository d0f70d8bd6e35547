package org.chimp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.chimp.api.error.ClientErrorException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactStoreTest {
    private static final byte[] CONTENT = "weights".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    private FileBlobStore blobs;
    private ArtifactStore store;

    @BeforeEach
    void open() {
        blobs = new FileBlobStore(dir.resolve("blobs"));
        store = new ArtifactStore(blobs, dir.resolve("cache"));
    }

    @Test
    void sameContentIsStoredOnceUnderItsHash() throws IOException {
        String ref = store.put(CONTENT);
        Path file = Files.write(dir.resolve("w.bin"), CONTENT);
        assertThat(store.put(file)).isEqualTo(ref);
        assertThat(ref).isEqualTo("sha256:" + Sha256.hex(CONTENT)).matches("sha256:[0-9a-f]{64}");
        assertThat(blobs.list("artifacts/")).containsExactly("artifacts/sha256/" + ref.substring(7));
        assertThat(store.put("other".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(ref);
        assertThat(store.exists(ref)).isTrue();
    }

    @Test
    void resolveGivesALocalCopyAndOpenItsContent() throws IOException {
        String ref = store.put(CONTENT);
        Path local = store.resolve(ref);
        assertThat(local).startsWith(dir.resolve("cache")).hasBinaryContent(CONTENT);
        assertThat(store.resolve(ref)).isEqualTo(local);
        try (InputStream in = store.open(ref)) {
            assertThat(in.readAllBytes()).isEqualTo(CONTENT);
        }
        // Another process with an empty cache fetches it from the blob store.
        ArtifactStore other = new ArtifactStore(blobs, dir.resolve("cache2"));
        assertThat(other.resolve(ref)).hasBinaryContent(CONTENT);
    }

    @Test
    void unknownAndMalformedReferencesAreClientErrors() {
        String unknown = "sha256:" + "0".repeat(64);
        assertThatThrownBy(() -> store.resolve(unknown))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageContaining(unknown);
        for (String bad : new String[] {"sha256:abc", "md5:" + "0".repeat(32), "sha256:" + "A".repeat(64), "../x", null}) {
            assertThatThrownBy(() -> store.resolve(bad))
                    .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(400));
        }
        assertThat(store.exists(unknown)).isFalse();
    }

    @Test
    void tamperedBlobIsDetectedOnResolve() throws IOException {
        String ref = store.put(CONTENT);
        Files.writeString(blobs.root().resolve("artifacts/sha256/" + ref.substring(7)), "evil");
        assertThatThrownBy(() -> store.resolve(ref)).isInstanceOf(IllegalStateException.class).hasMessageContaining("corrupt");
        assertThat(dir.resolve("cache").resolve(ref.substring(7))).doesNotExist();
    }

    @Test
    void tamperedCacheIsDetectedByTheNextProcess() throws IOException {
        String ref = store.put(CONTENT);
        Path local = store.resolve(ref);
        Files.writeString(local, "evil");
        ArtifactStore restarted = new ArtifactStore(blobs, dir.resolve("cache"));
        assertThatThrownBy(() -> restarted.resolve(ref)).isInstanceOf(IllegalStateException.class);
        // The bad copy was dropped, so the next resolve fetches the good one again.
        assertThat(restarted.resolve(ref)).hasBinaryContent(CONTENT);
    }
}
