package org.chimp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Random;
import org.chimp.api.error.ClientErrorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link BlobStore} promises, run over each backend by a subclass. Each test gets an empty store.
 */
abstract class BlobStoreContract {
    /** Larger than the S3 test server's part size (5 MiB), so S3 writes it in three parts. */
    static final int LARGE = 11 * (1 << 20) + 12345;

    @TempDir
    Path tmp;

    /** An empty store, new for each test. */
    abstract BlobStore store() throws Exception;

    static InputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    static String read(BlobStore store, String key) throws IOException {
        try (InputStream in = store.get(key)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A stream of {@code size} bytes that never exists in memory whole. */
    static InputStream generated(long size, long seed) {
        return new InputStream() {
            private final Random random = new Random(seed);
            private long left = size;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                byte[] chunk = new byte[n];
                random.nextBytes(chunk);
                System.arraycopy(chunk, 0, b, off, n);
                left -= n;
                return n;
            }
        };
    }

    @Test
    void putGetReplaceListDelete() throws Exception {
        BlobStore store = store();
        store.put("b/2.txt", text("two"));
        store.put("a/x/1.txt", text("one"));
        store.put("ab.txt", text("ab"));
        store.put("b/2.txt", text("TWO"));
        store.put("empty", text(""));
        assertThat(read(store, "b/2.txt")).isEqualTo("TWO");
        assertThat(read(store, "empty")).isEmpty();
        assertThat(store.exists("a/x/1.txt")).isTrue();
        assertThat(store.exists("a/x")).isFalse();
        assertThat(store.list("")).containsExactly("a/x/1.txt", "ab.txt", "b/2.txt", "empty");
        assertThat(store.list("a")).containsExactly("a/x/1.txt", "ab.txt");
        assertThat(store.list("a/")).containsExactly("a/x/1.txt");
        assertThat(store.list("nothing/here/")).isEmpty();
        store.delete("b/2.txt");
        store.delete("b/2.txt");
        assertThat(store.exists("b/2.txt")).isFalse();
        assertThatThrownBy(() -> store.get("b/2.txt")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store.get("a/x")).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void unicodeKeysRoundTrip() throws Exception {
        BlobStore store = store();
        store.put("datasets/visages/train/heureux/été 1.png", text("é"));
        assertThat(store.list("datasets/visages/")).containsExactly("datasets/visages/train/heureux/été 1.png");
        assertThat(read(store, "datasets/visages/train/heureux/été 1.png")).isEqualTo("é");
    }

    @Test
    void aLargeObjectIsStreamedInAndOutIntact() throws Exception {
        BlobStore store = store();
        byte[] content = random(LARGE, 1);
        String sha = Sha256.hex(content);
        store.put("big/unhashed", generated(LARGE, 1));
        store.put("big/hashed", generated(LARGE, 1), sha);
        for (String key : new String[] {"big/unhashed", "big/hashed"}) {
            try (InputStream in = store.get(key)) {
                assertThat(Sha256.hex(in)).as(key).isEqualTo(sha);
            }
        }
        assertThat(store.list("big/")).containsExactly("big/hashed", "big/unhashed");
    }

    @Test
    void aWriteWhoseBytesDoNotMatchTheirHashStoresNothing() throws Exception {
        BlobStore store = store();
        String other = Sha256.hex("something else".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> store.put("k/small", text("small"), other)).isInstanceOf(IOException.class)
                .hasMessageContaining("sha256:" + other);
        assertThatThrownBy(() -> store.put("k/large", generated(LARGE, 2), other)).isInstanceOf(IOException.class);
        assertThat(store.list("")).isEmpty();

        store.put("k/kept", text("old"));
        assertThatThrownBy(() -> store.put("k/kept", generated(LARGE, 3), other)).isInstanceOf(IOException.class);
        assertThat(read(store, "k/kept")).isEqualTo("old");
        assertThat(store.list("")).containsExactly("k/kept");
    }

    @ParameterizedTest
    @ValueSource(ints = {100, LARGE})
    void aFailedWriteLeavesTheOldObject(int failAfter) throws Exception {
        BlobStore store = store();
        store.put("k/v", text("old"));
        InputStream failing = new InputStream() {
            private final InputStream data = generated(failAfter, 4);

            @Override
            public int read() throws IOException {
                int b = data.read();
                if (b < 0) {
                    throw new IOException("connection reset");
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = data.read(b, off, len);
                if (n < 0) {
                    throw new IOException("connection reset");
                }
                return n;
            }
        };
        assertThatThrownBy(() -> store.put("k/v", failing)).hasMessageContaining("connection reset");
        assertThat(read(store, "k/v")).isEqualTo("old");
        assertThat(store.list("")).containsExactly("k/v");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/etc/passwd", "../outside", "a/../../b", "a//b", "a/", "a\\b", "./a", "x" + BlobKeys.TEMP_SUFFIX, "a\u0000b"})
    void badKeysAreRejectedBeforeAnythingIsWritten(String key) throws Exception {
        BlobStore store = store();
        assertThatThrownBy(() -> store.put(key, text("x")))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("Invalid storage key");
        assertThatThrownBy(() -> store.get(key)).isInstanceOf(ClientErrorException.class);
        assertThatThrownBy(() -> store.exists(key)).isInstanceOf(ClientErrorException.class);
        assertThatThrownBy(() -> store.delete(key)).isInstanceOf(ClientErrorException.class);
        assertThatThrownBy(() -> store.list("../")).isInstanceOf(ClientErrorException.class);
        assertThat(store.list("")).isEmpty();
    }

    @Test
    void deleteAllRemovesAFolderAndNothingElse() throws Exception {
        BlobStore store = store();
        store.put("datasets/a/u1/train/x/1.png", text("1"));
        store.put("datasets/a/u1/train/y/2.png", text("2"));
        store.put("datasets/a/u10/train/x/1.png", text("other upload"));
        store.put("datasets/a/u1.png", text("a sibling file"));
        store.deleteAll("datasets/a/u1/");
        assertThat(store.list("")).containsExactly("datasets/a/u1.png", "datasets/a/u10/train/x/1.png");
        store.deleteAll("datasets/none/");
        assertThatThrownBy(() -> store.deleteAll("datasets/a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.deleteAll("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.deleteAll("../")).isInstanceOf(ClientErrorException.class);
        assertThat(store.list("")).hasSize(2);
    }

    @Test
    void artifactsAreContentAddressedAndStoredOnce() throws Exception {
        BlobStore store = store();
        ArtifactStore artifacts = new ArtifactStore(store, tmp.resolve("cache"));
        byte[] weights = random(LARGE, 5);
        Path file = tmp.resolve("weights.onnx");
        Files.write(file, weights);
        String ref = artifacts.put(file);
        assertThat(ref).isEqualTo("sha256:" + Sha256.hex(weights));
        assertThat(artifacts.put(weights)).isEqualTo(ref);
        assertThat(store.list("")).containsExactly("artifacts/sha256/" + Sha256.hex(weights));
        assertThat(Files.readAllBytes(new ArtifactStore(store, tmp.resolve("cache2")).resolve(ref))).isEqualTo(weights);
    }
}
