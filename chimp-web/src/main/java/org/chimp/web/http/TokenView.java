package org.chimp.web.http;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;
import org.chimp.web.identity.ApiTokens;

/** An API token as the token endpoints show it: never its value, which only {@link Created} carries, once. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TokenView(String id, String user, String label, String createdAt, String expiresAt, String revokedAt) {

    public static TokenView of(ApiTokens.TokenInfo t) {
        return new TokenView(t.id(), t.user(), t.label(), t.createdAt().toString(), iso(t.expiresAt()), iso(t.revokedAt()));
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }

    /** The answer to creating a token: its summary and the token itself. */
    public record Created(@JsonUnwrapped TokenView info, String token) {
    }

    /** The body of the listing. */
    public record Tokens(List<TokenView> tokens) {
    }
}
