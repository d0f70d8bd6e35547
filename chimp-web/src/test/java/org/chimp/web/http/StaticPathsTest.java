package org.chimp.web.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StaticPathsTest {
    @Test
    void onlyPlainPathsReachTheStaticFiles() {
        for (String ok : new String[] {"/dashboard/app.js", "/dashboard/pages/training.js", "/emotion/live.js",
                "/webjars/uplot/1.6.30/dist/uPlot.esm.js"}) {
            assertThat(StaticPaths.plain(ok)).as(ok).isTrue();
        }
        for (String bad : new String[] {null, "", "dashboard/app.js", "/dashboard/../datasets", "/dashboard/%2e%2e/x", "/dashboard/%zz",
                "/dashboard/..%2fx", "/dashboard/.hidden", "/dashboard//etc/passwd", "/dashboard/a\\..\\b", "/dashboard/x;y",
                "/dashboard/" + "a".repeat(600), "/dashboard/\u0000", "/dashboard/é.js", "/emotion/..", "/webjars/./x"}) {
            assertThat(StaticPaths.plain(bad)).as(String.valueOf(bad)).isFalse();
        }
    }
}
