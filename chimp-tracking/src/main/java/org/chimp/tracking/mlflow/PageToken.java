package org.chimp.tracking.mlflow;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.BiFunction;
import java.util.zip.CRC32;
import org.chimp.api.error.ClientErrorException;

/**
 * MLflow's opaque {@code page_token}: the offset of the next page, the fingerprint of the query it belongs to and
 * a checksum, base64-encoded. A token that was edited, or that is passed with another query (filter, order,
 * experiments), is a 400 instead of silently paging through something else.
 */
final class PageToken {
    private PageToken() {
    }

    /** The offset a token points at; 0 for no token. */
    static int offset(String token, Object query) {
        if (token == null || token.isEmpty()) {
            return 0;
        }
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":", -1);
        } catch (IllegalArgumentException e) {
            throw invalid(token, "it is not base64");
        }
        if (parts.length != 4 || !parts[0].equals("o") || !parts[3].equals(checksum(parts[0] + ":" + parts[1] + ":" + parts[2]))) {
            throw invalid(token, "it was not issued by this server or was modified");
        }
        if (!parts[2].equals(fingerprint(query))) {
            throw invalid(token, "it belongs to a search with another filter, order or scope; repeat the same search");
        }
        try {
            int offset = Integer.parseInt(parts[1]);
            if (offset >= 0) {
                return offset;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw invalid(token, "it was modified");
    }

    static String of(int offset, Object query) {
        String body = "o:" + offset + ":" + fingerprint(query);
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((body + ":" + checksum(body)).getBytes(StandardCharsets.UTF_8));
    }

    private static String fingerprint(Object query) {
        return checksum(String.valueOf(query));
    }

    private static String checksum(String s) {
        CRC32 crc = new CRC32();
        crc.update(s.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }

    private static ClientErrorException invalid(String token, String why) {
        return ClientErrorException.invalid("Invalid page_token '" + token + "': " + why
                + ". Pass the next_page_token of the previous page, with the same search parameters");
    }

    /**
     * One page of results: fetches one more than asked to know whether there is a next page.
     *
     * @param query what identifies the search apart from paging (its toString is fingerprinted)
     */
    record Page<T>(List<T> items, String nextPageToken) {
        static <T> Page<T> fetch(int maxResults, String pageToken, Object query,
                                 BiFunction<Integer, Integer, List<T>> fetch) {
            int offset = offset(pageToken, query);
            List<T> rows = fetch.apply(maxResults + 1, offset);
            return rows.size() > maxResults
                    ? new Page<>(rows.subList(0, maxResults), of(offset + maxResults, query))
                    : new Page<>(rows, null);
        }
    }
}
