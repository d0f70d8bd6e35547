package org.chimp.web.http;

import java.util.List;

/**
 * The access table: the first rule that covers a request decides; a route no rule covers is admin-only, so an
 * endpoint added without a line here fails closed.
 */
public final class AccessRules {
    private final List<AccessRule> rules;

    public AccessRules(List<AccessRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The rule for a request with this method on this registered route (Javalin's endpoint path). */
    public AccessRule ruleFor(String method, String route) {
        for (AccessRule r : rules) {
            if (r.covers(method, route)) {
                return r;
            }
        }
        return AccessRule.of("*", route, Access.ADMIN);
    }

    /** Whether any rule names this route explicitly (for the test that every endpoint is in the table). */
    public boolean lists(String method, String route) {
        return rules.stream().anyMatch(r -> r.covers(method, route));
    }

    /** Whether a request path is public: a public rule's literal path or prefix covers it. */
    public boolean isPublicPath(String path) {
        for (AccessRule r : rules) {
            if (r.access() == Access.PUBLIC && r.matchesPath(path)) {
                return true;
            }
        }
        return false;
    }

    /** The rules in order. */
    public List<AccessRule> rules() {
        return rules;
    }
}
