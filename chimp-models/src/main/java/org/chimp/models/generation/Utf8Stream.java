package org.chimp.models.generation;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns the bytes of generated tokens into text as they come. A byte-level token may end in the middle of a
 * multi-byte character (an emoji is often two or three tokens), so bytes are held back until their character is
 * complete; what has been handed out, joined, is exactly the final text.
 */
final class Utf8Stream {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final StringBuilder text = new StringBuilder();

    /** Adds a token's bytes; returns the text that is now complete (possibly empty). */
    String add(byte[] bytes) {
        pending.writeBytes(bytes);
        byte[] all = pending.toByteArray();
        int cut = completePrefix(all);
        return emit(all, cut);
    }

    /** Everything still held back (an incomplete character at the very end becomes U+FFFD). */
    String flush() {
        byte[] all = pending.toByteArray();
        return emit(all, all.length);
    }

    /** All text handed out so far. */
    String text() {
        return text.toString();
    }

    private String emit(byte[] all, int cut) {
        String out = new String(all, 0, cut, StandardCharsets.UTF_8);
        pending.reset();
        pending.write(all, cut, all.length - cut);
        text.append(out);
        return out;
    }

    /** The length of the longest prefix that does not end inside a character still waiting for bytes. */
    static int completePrefix(byte[] b) {
        int n = b.length;
        // Look back over at most three continuation bytes for the lead byte of the last character.
        for (int back = 1; back <= Math.min(4, n); back++) {
            int lead = b[n - back] & 0xff;
            if ((lead & 0xC0) == 0x80) {
                continue; // a continuation byte
            }
            int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            return need > back && lead >= 0xC0 && lead < 0xF8 ? n - back : n;
        }
        return n;
    }
}
