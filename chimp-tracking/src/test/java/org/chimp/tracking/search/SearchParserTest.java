package org.chimp.tracking.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.chimp.api.error.ClientErrorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SearchParserTest {
    @Test
    void parsesComparisonsOfEveryEntityJoinedByAnd() {
        List<Comparison> f = SearchParser.filter("metrics.acc > 0.9 AND params.lr = '0.1' and tags.x LIKE 'a%' "
                + "AND attributes.status = \"FINISHED\" AND attribute.start_time >= 1000 AND metric.loss <= -1.5e-3");
        assertThat(f).containsExactly(
                new Comparison(Entity.METRIC, "acc", Op.GT, List.of(0.9)),
                new Comparison(Entity.PARAM, "lr", Op.EQ, List.of("0.1")),
                new Comparison(Entity.TAG, "x", Op.LIKE, List.of("a%")),
                new Comparison(Entity.ATTRIBUTE, "status", Op.EQ, List.of("FINISHED")),
                new Comparison(Entity.ATTRIBUTE, "start_time", Op.GE, List.of(1000L)),
                new Comparison(Entity.METRIC, "loss", Op.LE, List.of(-1.5e-3)));
    }

    @Test
    void quotedKeysListsAndBareAttributes() {
        assertThat(SearchParser.filter("metrics.`my key` != 2 AND tags.\"a b\" ILIKE '%X%' AND run_id IN ('a', 'b') "
                + "AND params.p NOT IN ('1') AND name <> 'it''s'")).containsExactly(
                new Comparison(Entity.METRIC, "my key", Op.NE, List.of(2L)),
                new Comparison(Entity.TAG, "a b", Op.ILIKE, List.of("%X%")),
                new Comparison(Entity.ATTRIBUTE, "run_id", Op.IN, List.of("a", "b")),
                new Comparison(Entity.PARAM, "p", Op.NOT_IN, List.of("1")),
                new Comparison(Entity.ATTRIBUTE, "name", Op.NE, List.of("it's")));
        assertThat(SearchParser.filter("tags.mlflow.runName = 'r'").get(0).key()).isEqualTo("mlflow.runName");
        assertThat(SearchParser.filter("  ")).isEmpty();
        assertThat(SearchParser.filter(null)).isEmpty();
    }

    @Test
    void orderByTerms() {
        assertThat(SearchParser.orderBy(List.of("metrics.acc DESC", "attributes.start_time", "params.`a b` asc", "name")))
                .containsExactly(new OrderTerm(Entity.METRIC, "acc", false), new OrderTerm(Entity.ATTRIBUTE, "start_time", true),
                        new OrderTerm(Entity.PARAM, "a b", true), new OrderTerm(Entity.ATTRIBUTE, "name", true));
        assertThatThrownBy(() -> SearchParser.orderBy(List.of("metrics.acc DOWN"))).hasMessageContaining("ASC or DESC");
    }

    @ParameterizedTest
    @ValueSource(strings = {"metrics.acc > ", "metrics.acc 0.9", "metrics.acc > 0.9 OR params.x = '1'", "metrics.acc >> 1",
            "params.x = 'open", "foo.x = '1'", "params.x IN 'a'", "params.x IN ('a' 'b')", "metrics. > 1", "= 1",
            "params.x = '1' params.y = '2'", "params.x = y", "metrics.a > 1; DROP TABLE tracking_runs"})
    void malformedFiltersAre400s(String filter) {
        assertThatThrownBy(() -> SearchParser.filter(filter)).isInstanceOfSatisfying(ClientErrorException.class,
                e -> assertThat(e.status()).isEqualTo(400));
    }
}
