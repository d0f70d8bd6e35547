package org.chimp.api.text;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.chimp.api.error.ClientErrorException;

/** Strict UTF-8 for byte forms (on-chain inputs): malformed bytes are a 400, never replacement characters. */
public final class Utf8 {
    private Utf8() {
    }

    /**
     * Decodes text of at most {@code maxChars} characters; the byte count is checked first (4 bytes a character at
     * most), so an oversized input is refused before it is decoded.
     *
     * @param what the value, for messages, e.g. {@code The prompt}
     */
    public static String decode(byte[] bytes, String what, int maxChars) {
        if (bytes.length > 4L * maxChars) {
            throw ClientErrorException.tooLarge(what + " has " + bytes.length + " bytes; at most " + maxChars
                    + " characters are allowed, so shorten it");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ClientErrorException.invalid(what + " is not valid UTF-8; send the text encoded as UTF-8", e);
        }
    }
}
