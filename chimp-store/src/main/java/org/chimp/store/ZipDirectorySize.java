package org.chimp.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The size of a zip's central directory, read from its end record before {@link java.util.zip.ZipFile} opens it:
 * ZipFile loads the whole central directory into one array, so a 512 MB upload that is nearly all directory (long
 * names, comments, extra fields) would cost 512 MB of heap before a single entry could be checked.
 */
final class ZipDirectorySize {
    private static final int END_SIG = 0x06054b50;
    private static final int END_LENGTH = 22;
    private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    private static final int ZIP64_LOCATOR_LENGTH = 20;
    private static final int ZIP64_END_SIG = 0x06064b50;
    private static final int ZIP64_END_LENGTH = 56;

    private ZipDirectorySize() {
    }

    /**
     * The largest central directory any end record in the file's tail declares (in its zip64 form where it has one);
     * 0 if there is none. Every candidate counts, not only the one ZipFile will pick, unless it declares a directory
     * larger than the bytes in front of it, which ZipFile refuses anyway.
     */
    static long of(Path zip) throws IOException {
        try (SeekableByteChannel ch = Files.newByteChannel(zip)) {
            long size = ch.size();
            int tailLength = (int) Math.min(size, END_LENGTH + 0xffff);
            long tailStart = size - tailLength;
            ByteBuffer tail = read(ch, tailStart, tailLength);
            long largest = 0;
            for (int i = tailLength - END_LENGTH; i >= 0; i--) {
                if (tail.getInt(i) != END_SIG) {
                    continue;
                }
                long endPos = tailStart + i;
                long cenSize = Integer.toUnsignedLong(tail.getInt(i + 12));
                boolean zip64 = cenSize == 0xffffffffL || Integer.toUnsignedLong(tail.getInt(i + 16)) == 0xffffffffL
                        || Short.toUnsignedInt(tail.getShort(i + 10)) == 0xffff;
                if (zip64 && endPos >= ZIP64_LOCATOR_LENGTH) {
                    ByteBuffer locator = read(ch, endPos - ZIP64_LOCATOR_LENGTH, ZIP64_LOCATOR_LENGTH);
                    long z64 = locator.getLong(8);
                    if (locator.getInt(0) == ZIP64_LOCATOR_SIG && z64 >= 0 && z64 <= size - ZIP64_END_LENGTH) {
                        ByteBuffer end64 = read(ch, z64, ZIP64_END_LENGTH);
                        if (end64.getInt(0) == ZIP64_END_SIG) {
                            cenSize = end64.getLong(40);
                        }
                    }
                }
                if (cenSize >= 0 && cenSize <= endPos) {
                    largest = Math.max(largest, cenSize);
                }
            }
            return largest;
        }
    }

    private static ByteBuffer read(SeekableByteChannel ch, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        ch.position(position);
        while (buf.hasRemaining() && ch.read(buf) >= 0) {
            // Until full or at the end of the file (then the rest stays zero).
        }
        return buf.flip().limit(length);
    }
}
