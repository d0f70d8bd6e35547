package org.chimp.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests as lowercase hex, the form used in artifact references and dataset hashes. */
final class Sha256 {
    private Sha256() {
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    static String hex(byte[] content) {
        return HexFormat.of().formatHex(digest().digest(content));
    }

    static String hex(InputStream in) throws IOException {
        MessageDigest md = digest();
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The error for bytes that do not hash to what they should: nothing was stored, or the stored copy is corrupt. */
    static IOException mismatch(String key, String expected, String actual) {
        return new IOException("The content of " + key + " hashes to sha256:" + actual + ", not to the expected sha256:" + expected);
    }

    /** A stream that hashes and counts what is read through it. */
    static class Counting extends FilterInputStream {
        private final MessageDigest md = digest();
        private long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                md.update((byte) b);
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                md.update(b, off, n);
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // Skipped bytes would be missing from the hash: read them instead.
            byte[] buf = new byte[(int) Math.min(n, 8192)];
            int r = read(buf, 0, buf.length);
            return Math.max(r, 0);
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        /** The hash of everything read so far; call once, at the end. */
        String hex() {
            return HexFormat.of().formatHex(md.digest());
        }

        long count() {
            return count;
        }
    }

    /**
     * A stream that checks, once its end is reached, that what was read hashes to {@code expected}; a mismatch is an
     * IOException at that last read, so a reader that reads to the end never takes corrupt bytes for good ones.
     */
    static InputStream verifying(InputStream in, String expected, String key) {
        return new Counting(in) {
            private boolean checked;

            @Override
            public int read() throws IOException {
                return end(super.read());
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return end(super.read(b, off, len));
            }

            private int end(int n) throws IOException {
                if (n < 0 && !checked) {
                    checked = true;
                    String actual = hex();
                    if (!actual.equals(expected)) {
                        throw mismatch(key, expected, actual);
                    }
                }
                return n;
            }
        };
    }

    static String hex(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return hex(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
