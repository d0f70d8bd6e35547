package org.chimp.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZipDirectorySizeTest {
    @TempDir
    Path dir;

    @Test
    void readsTheDirectorySizeOfAPlainZip() throws IOException {
        Path zip = Files.write(dir.resolve("a.zip"), new TestZips().text("train/a/b.png", "x").text("train/a/cc.png", "y").bytes());
        // Two central headers of 46 bytes plus the names.
        assertThat(ZipDirectorySize.of(zip)).isEqualTo(2 * 46 + "train/a/b.png".length() + "train/a/cc.png".length());
    }

    @Test
    void readsTheZip64EndRecordWhenTheZipHasOne() throws IOException {
        // More than 65535 entries: the plain end record says 0xffff and the real count and size are in the zip64 one.
        Path zip = dir.resolve("many.zip");
        int entries = 70_000;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(zip)); ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i < entries; i++) {
                z.putNextEntry(new ZipEntry(String.format("d%06d/", i)));
                z.closeEntry();
            }
        }
        assertThat(ZipDirectorySize.of(zip)).isEqualTo((long) entries * (46 + 8));
    }

    @Test
    void isZeroForFilesWithoutAnEndRecord() throws IOException {
        assertThat(ZipDirectorySize.of(Files.write(dir.resolve("x"), new byte[0]))).isZero();
        assertThat(ZipDirectorySize.of(Files.write(dir.resolve("y"), "PK\u0005\u0006".getBytes()))).isZero();
    }
}
