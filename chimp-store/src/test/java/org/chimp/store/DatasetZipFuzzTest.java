package org.chimp.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.TestDatabases;

/**
 * Hostile uploads, generated: arbitrary bytes, valid dataset zips with bytes flipped, cut out or inserted, and zips
 * with arbitrary entry names. Each is either stored as a version or refused with a 400 or 413 that stores nothing
 * and leaves nothing behind; any other exception (a 500 to the caller) fails the property.
 */
class DatasetZipFuzzTest {
    private static final UploadLimits LIMITS = new UploadLimits(1 << 20, 4 << 20, 100, 200);
    private static final List<byte[]> VALID = List.of(TestZips.faces().bytes(), TestZips.faces().wrapped("my faces").bytes(),
            new TestZips().image("train/é/a.png", 1).stored("test/é/b.jpg", TestZips.png(2)).bytes());

    private static Path dir;
    private static HikariDataSource ds;
    private static FileBlobStore blobs;
    private static DatasetStore store;
    /** The files in the blob store after the last try. */
    private static List<String> stored = List.of();

    @BeforeContainer
    static void open() throws IOException {
        dir = Files.createTempDirectory("chimp-zip-fuzz");
        ds = TestDatabases.h2();
        blobs = new FileBlobStore(dir.resolve("blobs"));
        store = new DatasetStore(ds, blobs, LIMITS, dir.resolve("work"));
    }

    @AfterContainer
    static void close() throws IOException {
        ds.close();
        ScratchSpace.deleteTree(dir);
    }

    /** Uploads and checks the outcome: stored, or a 400/413 with every file and row as before. */
    private static void uploadAndCheck(byte[] zip) throws IOException {
        try {
            DatasetVersion v = store.upload("fuzz", new ByteArrayInputStream(zip));
            List<String> now = files(blobs.root());
            // Content-addressed: at most one new blob per file (fewer when files repeat earlier content).
            assertThat(now).hasSizeBetween(stored.size(), stored.size() + (int) v.fileCount()).containsAll(stored);
            assertThat(store.files(v, "", 0, DatasetStore.MAX_LISTING)).hasSize((int) Math.min(v.fileCount(), DatasetStore.MAX_LISTING))
                    .allSatisfy(f -> assertThat(blobs.exists(f.blobKey())).isTrue());
            stored = now;
            Statistics.label("outcome").collect("stored");
        } catch (ClientErrorException e) {
            assertThat(e.status()).as(e.getMessage()).isIn(400, 413);
            assertThat(files(blobs.root())).isEqualTo(stored);
            Statistics.label("outcome").collect(e.status());
        }
        assertThat(new UploadJournal(ds).all()).isEmpty();
        DatasetStoreTest.assertWorkDirEmpty(dir.resolve("work"));
    }

    private static List<String> files(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).map(Path::toString).sorted().toList();
        }
    }

    @Property(tries = 200)
    void arbitraryBytes(@ForAll @Size(max = 3000) byte[] bytes) throws IOException {
        uploadAndCheck(bytes);
    }

    @Property(tries = 300)
    void mutatedDatasetZips(@ForAll("mutated") byte[] zip) throws IOException {
        uploadAndCheck(zip);
    }

    @Property(tries = 200)
    void arbitraryEntryNames(@ForAll("entryNames") String name, @ForAll boolean asImage) throws IOException {
        TestZips zip = TestZips.faces();
        uploadAndCheck((asImage ? zip.image(name, 9) : zip.text(name, "text")).bytes());
    }

    /** One change to a zip's bytes. */
    private record Mutation(int kind, int position, byte value, int length) {
        byte[] apply(byte[] in) {
            int at = in.length == 0 ? 0 : Math.floorMod(position, in.length);
            return switch (kind) {
                case 0 -> { // flip bits of one byte
                    byte[] out = in.clone();
                    if (out.length > 0) {
                        out[at] ^= (byte) (value == 0 ? 1 : value);
                    }
                    yield out;
                }
                case 1 -> Arrays.copyOf(in, at); // cut the rest off
                case 2 -> { // insert bytes
                    byte[] ins = new byte[length];
                    Arrays.fill(ins, value);
                    yield concat(Arrays.copyOf(in, at), ins, Arrays.copyOfRange(in, at, in.length));
                }
                case 3 -> concat(Arrays.copyOf(in, at), Arrays.copyOfRange(in, Math.min(in.length, at + length), in.length));
                default -> { // overwrite 4 bytes with a large little-endian number: sizes, offsets, counts
                    byte[] out = in.clone();
                    for (int i = 0; i < 4 && at + i < out.length; i++) {
                        out[at + i] = i == 3 ? value : (byte) 0xff;
                    }
                    yield out;
                }
            };
        }

        private static byte[] concat(byte[]... parts) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] p : parts) {
                out.writeBytes(p);
            }
            return out.toByteArray();
        }
    }

    @Provide
    Arbitrary<byte[]> mutated() {
        Arbitrary<Mutation> mutation = Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.integers(),
                Arbitraries.bytes(), Arbitraries.integers().between(1, 64)).as(Mutation::new);
        return Combinators.combine(Arbitraries.of(VALID), mutation.list().ofMinSize(1).ofMaxSize(5)).as((zip, ms) -> {
            byte[] out = zip;
            for (Mutation m : ms) {
                out = m.apply(out);
            }
            return out;
        });
    }

    @Provide
    Arbitrary<String> entryNames() {
        Arbitrary<String> start = Arbitraries.of("", "/", "../", "./", "train/", "test/", "train/happy/", "train/happy/../../",
                "C:/", "c:\\", "\\\\server\\", "__MACOSX/", "wrap/train/happy/", "train/new label/", "TRAIN/HAPPY/", "train//");
        Arbitrary<String> middle = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40),
                Arbitraries.strings().withChars("./\\:\u0000\u0007\n\u007f\u200b\u202e\ufffd\ufeffé表 ").ofMaxLength(20),
                Arbitraries.of("😀", "a😀b", "e\u0301"),
                Arbitraries.strings().withChars("ab/").ofMinLength(150).ofMaxLength(1500),
                Arbitraries.strings().withChars("表").ofMinLength(60).ofMaxLength(120));
        Arbitrary<String> end = Arbitraries.of("", ".png", ".PNG", ".jpg", ".jpeg", "/", "/a.png", ".png/", ".zip", "/.DS_Store");
        return Combinators.combine(start, middle, end).as((s, m, e) -> s + m + e).filter(n -> !n.isEmpty());
    }
}
