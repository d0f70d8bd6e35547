package org.chimp.tracking.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;
import org.chimp.tracking.mlflow.PageToken.Page;
import org.junit.jupiter.api.Test;

class PageTokenTest {
    private static final List<Integer> ROWS = IntStream.range(0, 5).boxed().toList();

    private static Page<Integer> page(int max, String token, Object query) {
        return Page.fetch(max, token, query, (n, offset) -> ROWS.subList(Math.min(offset, 5), Math.min(offset + n, 5)));
    }

    @Test
    void pagesThroughWithOpaqueTokens() {
        Page<Integer> first = page(2, null, "q");
        assertThat(first.items()).containsExactly(0, 1);
        Page<Integer> second = page(2, first.nextPageToken(), "q");
        assertThat(second.items()).containsExactly(2, 3);
        Page<Integer> last = page(2, second.nextPageToken(), "q");
        assertThat(last.items()).containsExactly(4);
        assertThat(last.nextPageToken()).isNull();
        assertThat(page(5, null, "q").nextPageToken()).isNull();
    }

    @Test
    void tamperedForeignAndGarbageTokensAre400s() {
        String token = page(2, null, "q").nextPageToken();
        String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(decoded.replace("o:2:", "o:4:").getBytes(StandardCharsets.UTF_8));
        for (String bad : List.of(tampered, "!!!", "b2Zmc2V0OjI", token.substring(1))) {
            assertThatThrownBy(() -> PageToken.offset(bad, "q")).hasMessageContaining("Invalid page_token");
        }
        assertThatThrownBy(() -> PageToken.offset(token, "another query")).hasMessageContaining("another filter");
    }
}
