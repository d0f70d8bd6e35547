package org.chimp.http.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class RequestIdsTest {
    @Test
    void safeIdsAreKeptAsTheyAre() {
        for (String id : List.of("a", "trace-42.abc_DEF", "span:1@host", "x".repeat(RequestIds.MAX_LENGTH))) {
            assertThat(RequestIds.accept(id)).isEqualTo(id);
        }
    }

    @Test
    void unsafeOrOverlongIdsAreReplacedByAFreshOne() {
        for (String id : List.of("", "x".repeat(RequestIds.MAX_LENGTH + 1), "a b", "a\nINFO forged line", "a\u0001",
                "\"}{\"level\":\"ERROR\"", "ünïcode", "a/b", "<script>")) {
            String accepted = RequestIds.accept(id);
            assertThat(accepted).as(id).isNotEqualTo(id).matches("[0-9a-f]{32}");
        }
        assertThat(RequestIds.accept(null)).matches("[0-9a-f]{32}");
        assertThat(RequestIds.generate()).isNotEqualTo(RequestIds.generate());
    }

    @Property
    void whateverIsSentWhatIsUsedIsSafe(@ForAll String given) {
        assertThat(RequestIds.accept(given)).hasSizeBetween(1, RequestIds.MAX_LENGTH).matches("[A-Za-z0-9._:@-]+");
    }

    @Test
    void labelValuesPastTheBoundAreOther() {
        BoundedValues values = new BoundedValues(2);
        assertThat(values.of("a")).isEqualTo("a");
        assertThat(values.of("b")).isEqualTo("b");
        assertThat(values.of("c")).isEqualTo(BoundedValues.OTHER);
        assertThat(values.of("a")).isEqualTo("a");
        assertThat(values.of(null)).isEqualTo(BoundedValues.OTHER);
    }
}
