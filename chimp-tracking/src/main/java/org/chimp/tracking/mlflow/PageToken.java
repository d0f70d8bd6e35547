package org.chimp.tracking.mlflow;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.BiFunction;
import org.chimp.api.error.ClientErrorException;

/** MLflow's opaque {@code page_token}: here the offset of the next page, base64-encoded. */
final class PageToken {
    private static final String PREFIX = "offset:";

    private PageToken() {
    }

    static int offset(String token) {
        if (token == null || token.isEmpty()) {
            return 0;
        }
        try {
            String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int offset = Integer.parseInt(s.substring(PREFIX.length()));
            if (!s.startsWith(PREFIX) || offset < 0) {
                throw new IllegalArgumentException(s);
            }
            return offset;
        } catch (RuntimeException e) {
            throw ClientErrorException.invalid("Invalid page_token '" + token + "': pass the next_page_token of the previous page");
        }
    }

    static String of(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + offset).getBytes(StandardCharsets.UTF_8));
    }

    /** One page of results: fetches one more than asked to know whether there is a next page. */
    record Page<T>(List<T> items, String nextPageToken) {
        static <T> Page<T> fetch(int maxResults, String pageToken, BiFunction<Integer, Integer, List<T>> query) {
            int offset = offset(pageToken);
            List<T> rows = query.apply(maxResults + 1, offset);
            return rows.size() > maxResults
                    ? new Page<>(rows.subList(0, maxResults), of(offset + maxResults))
                    : new Page<>(rows, null);
        }
    }
}
