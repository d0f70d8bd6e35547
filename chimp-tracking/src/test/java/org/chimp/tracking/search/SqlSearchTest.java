package org.chimp.tracking.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.chimp.tracking.search.SearchSchema.Column;
import org.junit.jupiter.api.Test;

class SqlSearchTest {
    private static final SearchSchema RUNS = new SearchSchema("runs",
            Map.of("run_name", Column.text("r.run_name"), "start_time", Column.number("r.start_time")),
            Map.of(Entity.METRIC, "FROM m x WHERE x.run_id = r.run_id", Entity.TAG, "FROM t x WHERE x.run_id = r.run_id"));

    @Test
    void userValuesAndKeysAreOnlyBound() {
        SqlFragment where = SqlSearch.where(RUNS, SearchParser.filter(
                "metrics.`x'; DROP TABLE m; --` > 1 AND tags.k IN ('a''); DROP', 'b') AND attributes.run_name ILIKE '%R%'"));
        assertThat(where.sql()).doesNotContain("DROP").doesNotContain("'")
                .isEqualTo("EXISTS (SELECT 1 FROM m x WHERE x.run_id = r.run_id AND x.name = ? AND x.val > ?)"
                        + " AND EXISTS (SELECT 1 FROM t x WHERE x.run_id = r.run_id AND x.name = ? AND x.val IN (?, ?))"
                        + " AND LOWER(r.run_name) LIKE LOWER(?)");
        assertThat(where.args()).containsExactly("x'; DROP TABLE m; --", 1L, "k", "a'); DROP", "b", "%R%");
        assertThat(SqlSearch.where(RUNS, List.of()).sql()).isEqualTo("TRUE");
    }

    @Test
    void orderPutsMissingValuesLast() {
        SqlFragment order = SqlSearch.orderBy(RUNS, SearchParser.orderBy(List.of("metrics.acc DESC", "start_time")));
        assertThat(order.sql()).isEqualTo("(SELECT x.val FROM m x WHERE x.run_id = r.run_id AND x.name = ?) DESC NULLS LAST, "
                + "r.start_time ASC NULLS LAST");
        assertThat(order.args()).containsExactly("acc");
    }

    @Test
    void unknownKeysOperatorsAndValueTypesAreExplained() {
        assertThatThrownBy(() -> SqlSearch.where(RUNS, SearchParser.filter("attributes.color = 'red'")))
                .hasMessageContaining("Invalid attribute key 'color'").hasMessageContaining("[run_name, start_time]");
        assertThatThrownBy(() -> SqlSearch.where(RUNS, SearchParser.filter("params.lr = '1'")))
                .hasMessageContaining("does not support params");
        assertThatThrownBy(() -> SqlSearch.where(RUNS, SearchParser.filter("metrics.acc LIKE '1%'")))
                .hasMessageContaining("Invalid comparator 'LIKE'");
        assertThatThrownBy(() -> SqlSearch.where(RUNS, SearchParser.filter("tags.x > 'a'")))
                .hasMessageContaining("Invalid comparator '>'");
        assertThatThrownBy(() -> SqlSearch.where(RUNS, SearchParser.filter("metrics.acc > '0.9'")))
                .hasMessageContaining("Expected a number");
        assertThatThrownBy(() -> SqlSearch.where(RUNS, SearchParser.filter("tags.x = 1")))
                .hasMessageContaining("Expected a quoted string");
        assertThatThrownBy(() -> SqlSearch.orderBy(RUNS, SearchParser.orderBy(List.of("attributes.nope"))))
                .hasMessageContaining("Invalid attribute key 'nope'");
    }
}
