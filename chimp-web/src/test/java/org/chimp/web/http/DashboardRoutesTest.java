package org.chimp.web.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DashboardRoutesTest {
    @Test
    void thePageIsOnTheClassPathAndItsPolicyAllowsNoInlineOrForeignScript() {
        new DashboardRoutes(); // reads index.html, or fails
        assertThat(DashboardRoutes.CONTENT_SECURITY_POLICY).contains("script-src 'self';").contains("default-src 'none'")
                .doesNotContain("unsafe-eval").doesNotContain("http");
    }
}
