package org.chimp.web.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.chimp.web.http.StaticPaths;
import org.junit.jupiter.api.Test;

class DashboardRoutesTest {
    @Test
    void onlyPlainPathsReachTheStaticFiles() {
        for (String ok : new String[] {"/dashboard/app.js", "/dashboard/pages/training.js", "/webjars/uplot/1.6.30/dist/uPlot.esm.js"}) {
            assertThat(StaticPaths.plain(ok)).as(ok).isTrue();
        }
        for (String bad : new String[] {null, "", "dashboard/app.js", "/dashboard/../datasets", "/dashboard/%2e%2e/x", "/dashboard/%zz",
                "/dashboard/..%2fx", "/dashboard/.hidden", "/dashboard//etc/passwd", "/dashboard/a\\..\\b", "/dashboard/x;y",
                "/dashboard/" + "a".repeat(600), "/dashboard/\u0000", "/dashboard/é.js"}) {
            assertThat(StaticPaths.plain(bad)).as(String.valueOf(bad)).isFalse();
        }
    }

    @Test
    void thePageIsOnTheClassPathAndItsPolicyAllowsNoInlineOrForeignScript() {
        new DashboardRoutes(); // reads index.html, or fails
        assertThat(DashboardRoutes.CONTENT_SECURITY_POLICY).contains("script-src 'self';").contains("default-src 'none'")
                .doesNotContain("unsafe-eval").doesNotContain("http");
    }
}
