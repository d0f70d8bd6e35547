package org.chimp.web.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AccessRulesTest {
    private final AccessRules rules = new AccessRules(List.of(
            AccessRule.of("*", "/health", Access.PUBLIC),
            AccessRule.of("*", "/static/*", Access.PUBLIC),
            AccessRule.of("GET", "/jobs/{id}", Access.USER),
            AccessRule.of("GET", "/api/*", Access.USER),
            AccessRule.of("POST", "/api/search", Access.USER),
            AccessRule.of("*", "/api/*", Access.ADMIN)));

    @Test
    void theFirstCoveringRuleDecides() {
        assertThat(rules.ruleFor("GET", "/api/runs/get").access()).isEqualTo(Access.USER);
        assertThat(rules.ruleFor("POST", "/api/search").access()).isEqualTo(Access.USER);
        assertThat(rules.ruleFor("POST", "/api/runs/delete").access()).isEqualTo(Access.ADMIN);
        assertThat(rules.ruleFor("DELETE", "/api/x").access()).isEqualTo(Access.ADMIN);
    }

    @Test
    void routesAreMatchedAsRegisteredNotAsUrls() {
        assertThat(rules.ruleFor("GET", "/jobs/{id}").access()).isEqualTo(Access.USER);
        assertThat(rules.lists("GET", "/jobs/42")).as("a URL is not a route").isFalse();
        assertThat(rules.ruleFor("POST", "/jobs/{id}").access()).as("another method").isEqualTo(Access.ADMIN);
    }

    @Test
    void headIsAGetAndUnlistedRoutesAreAdminOnly() {
        assertThat(rules.ruleFor("HEAD", "/jobs/{id}").access()).isEqualTo(Access.USER);
        assertThat(rules.lists("GET", "/new/route")).isFalse();
        assertThat(rules.ruleFor("GET", "/new/route").access()).isEqualTo(Access.ADMIN);
    }

    @Test
    void publicPathsAreLiteralPathsOrPrefixes() {
        assertThat(rules.isPublicPath("/health")).isTrue();
        assertThat(rules.isPublicPath("/health/x")).isFalse();
        assertThat(rules.isPublicPath("/static/app.css")).isTrue();
        assertThat(rules.isPublicPath("/jobs/1")).isFalse();
        assertThatThrownBy(() -> AccessRule.of("GET", "/public/{name}", Access.PUBLIC)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAdminRuleMayLetUsersThroughForSomeRequests() {
        AccessRule r = AccessRule.adminUnless("POST", "/tasks/run/{plugin}", ctx -> true);
        assertThat(r.access()).isEqualTo(Access.ADMIN);
        assertThat(r.userMay().test(null)).isTrue();
        assertThat(AccessRule.of("POST", "/x", Access.ADMIN).userMay().test(null)).isFalse();
    }
}
