package org.chimp.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A request body received in full before its handler runs: in memory up to a threshold, in a temp file beyond.
 * Written by one thread at a time (the read listener), then only read.
 */
final class SpooledBody {
    private final Path dir;
    private final int memoryBytes;
    private final long maxBytes;
    private ByteArrayOutputStream memory = new ByteArrayOutputStream();
    private Path file;
    private OutputStream fileOut;
    private long size;

    SpooledBody(Path dir, int memoryBytes, long maxBytes) {
        this.dir = dir;
        this.memoryBytes = memoryBytes;
        this.maxBytes = maxBytes;
    }

    /** Appends bytes; false (and nothing kept) once the body would exceed its limit. */
    boolean write(byte[] b, int off, int len) throws IOException {
        if (size + len > maxBytes) {
            discard();
            return false;
        }
        size += len;
        if (file == null && memory.size() + len > memoryBytes) {
            file = Files.createTempFile(dir, "body-", ".tmp");
            fileOut = Files.newOutputStream(file);
            memory.writeTo(fileOut);
            memory = null;
        }
        if (file != null) {
            fileOut.write(b, off, len);
        } else {
            memory.write(b, off, len);
        }
        return true;
    }

    /** Ends writing. */
    void finish() throws IOException {
        if (fileOut != null) {
            fileOut.close();
            fileOut = null;
        }
    }

    long maxBytes() {
        return maxBytes;
    }

    long size() {
        return size;
    }

    /** The body from its start; may be opened more than once. */
    InputStream open() {
        try {
            return file != null ? Files.newInputStream(file) : new ByteArrayInputStream(memory.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the temp file, if any; safe to call more than once. */
    void discard() {
        try {
            if (fileOut != null) {
                fileOut.close();
                fileOut = null;
            }
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // A temp file that cannot be removed now is removed with the spool directory at the next start.
        }
        memory = new ByteArrayOutputStream();
    }
}
