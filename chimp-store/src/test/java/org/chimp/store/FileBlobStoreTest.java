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
import java.util.stream.Stream;
import org.chimp.api.error.ClientErrorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileBlobStoreTest {
    @TempDir
    Path root;

    private static InputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String read(FileBlobStore store, String key) throws IOException {
        try (InputStream in = store.get(key)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void putGetReplaceListDelete() throws IOException {
        FileBlobStore store = new FileBlobStore(root);
        store.put("b/2.txt", text("two"));
        store.put("a/x/1.txt", text("one"));
        store.put("ab.txt", text("ab"));
        store.put("b/2.txt", text("TWO"));
        assertThat(read(store, "b/2.txt")).isEqualTo("TWO");
        assertThat(store.exists("a/x/1.txt")).isTrue();
        assertThat(store.exists("a/x")).isFalse();
        assertThat(store.list("")).containsExactly("a/x/1.txt", "ab.txt", "b/2.txt");
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
    void aFailedWriteLeavesTheOldObjectAndNoTemporaryFile() throws IOException {
        FileBlobStore store = new FileBlobStore(root);
        store.put("k/v", text("old"));
        InputStream failing = new InputStream() {
            private int n;

            @Override
            public int read() throws IOException {
                if (n++ > 10_000) {
                    throw new IOException("connection reset");
                }
                return 'x';
            }
        };
        assertThatThrownBy(() -> store.put("k/v", failing)).hasMessage("connection reset");
        assertThat(read(store, "k/v")).isEqualTo("old");
        try (Stream<Path> files = Files.list(root.resolve("k"))) {
            assertThat(files).containsExactly(root.resolve("k/v"));
        }
    }

    @Test
    void leftoverTemporaryFilesAreNotListed() throws IOException {
        FileBlobStore store = new FileBlobStore(root);
        store.put("d/real", text("r"));
        Files.writeString(root.resolve("d/real.123" + BlobKeys.TEMP_SUFFIX), "half");
        assertThat(store.list("d/")).containsExactly("d/real");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/etc/passwd", "../outside", "a/../../b", "a//b", "a/", "a\\b", "./a", "x" + BlobKeys.TEMP_SUFFIX, "a\u0000b"})
    void badKeysAreRejectedBeforeTouchingTheDisk(String key) throws IOException {
        FileBlobStore store = new FileBlobStore(root.resolve("store"));
        assertThatThrownBy(() -> store.put(key, text("x")))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("Invalid storage key");
        assertThatThrownBy(() -> store.get(key)).isInstanceOf(ClientErrorException.class);
        assertThatThrownBy(() -> store.delete(key)).isInstanceOf(ClientErrorException.class);
        try (Stream<Path> all = Files.walk(root)) {
            assertThat(all.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void badPrefixesAreRejected() {
        FileBlobStore store = new FileBlobStore(root);
        assertThatThrownBy(() -> store.list("../")).isInstanceOf(ClientErrorException.class);
        assertThatThrownBy(() -> store.list("/abs")).isInstanceOf(ClientErrorException.class);
    }

    @Test
    void deleteAllRemovesAFolderWithItsHalfWrittenFilesAndNothingElse() throws IOException {
        FileBlobStore store = new FileBlobStore(root);
        store.put("datasets/a/u1/train/x/1.png", text("1"));
        store.put("datasets/a/u1/train/y/2.png", text("2"));
        store.put("datasets/a/u10/train/x/1.png", text("other upload"));
        store.put("datasets/a/u1.png", text("a sibling file"));
        Files.writeString(root.resolve("datasets/a/u1/train/x/3.png.123" + BlobKeys.TEMP_SUFFIX), "half");
        store.deleteAll("datasets/a/u1/");
        assertThat(root.resolve("datasets/a/u1")).doesNotExist();
        assertThat(store.list("")).containsExactly("datasets/a/u1.png", "datasets/a/u10/train/x/1.png");
        store.deleteAll("datasets/none/");
        assertThatThrownBy(() -> store.deleteAll("datasets/a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.deleteAll("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.deleteAll("../")).isInstanceOf(ClientErrorException.class);
        assertThat(store.list("")).hasSize(2);
    }
}
