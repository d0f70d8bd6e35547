package org.chimp.web.identity;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.chimp.api.Names;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;

/**
 * Per-user API tokens: {@code chimp_pat_} and 32 random bytes, shown once when created and stored as their
 * SHA-256. A token can be given a lifetime and is revoked by its id; revoked and expired tokens stay listed
 * (marked) so their owner sees what happened to them.
 */
public final class ApiTokens {
    /** What every CHIMP API token starts with, so leaked tokens can be recognised (and scanned for). */
    public static final String PREFIX = "chimp_pat_";
    /** Active tokens one user may hold. */
    public static final int MAX_ACTIVE_PER_USER = 100;
    /** Longest lifetime a token may be given. */
    public static final Duration MAX_LIFETIME = Duration.ofDays(3650);

    private static final Pattern SHAPE = Pattern.compile(Pattern.quote(PREFIX) + "[A-Za-z0-9_-]{43}");
    private static final String COLUMNS = "t.id, u.name, t.label, t.created_at, t.expires_at, t.revoked_at";

    private final DataSource ds;
    private final Clock clock;

    ApiTokens(DataSource ds, Clock clock) {
        this.ds = ds;
        this.clock = clock;
    }

    /** A token as listed: never the token itself. */
    public record TokenInfo(String id, String user, String label, Instant createdAt, Instant expiresAt, Instant revokedAt) {
        /** Whether the token is still accepted at this instant. */
        public boolean active(Instant now) {
            return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
        }
    }

    /** A new token: {@code token} is shown to its owner once and cannot be read back. */
    public record NewToken(String token, TokenInfo info) {
    }

    /** Whether a string has the shape of a CHIMP API token (nothing is looked up). */
    public static boolean looksLikeToken(String s) {
        return s != null && SHAPE.matcher(s).matches();
    }

    /**
     * Creates a token for a user.
     *
     * @param lifetime how long it is accepted, or null for until revoked
     */
    public NewToken create(User owner, String label, Duration lifetime) {
        Names.label(label);
        if (lifetime != null && (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0)) {
            throw ClientErrorException.invalid("A token's lifetime must be between 1 day and " + MAX_LIFETIME.toDays() + " days");
        }
        String token = Secrets.random(PREFIX);
        String id = Secrets.id();
        Instant now = clock.instant();
        Instant expires = lifetime == null ? null : now.plus(lifetime);
        Jdbc.inTransaction(ds, c -> {
            long active = Sql.first(c, "SELECT COUNT(*) FROM web_api_tokens WHERE user_id = ? AND revoked_at IS NULL "
                    + "AND (expires_at IS NULL OR expires_at > ?)", rs -> rs.getLong(1), owner.id(), now).orElse(0L);
            if (active >= MAX_ACTIVE_PER_USER) {
                throw ClientErrorException.conflict(owner.name() + " already has " + active + " active API tokens, the most "
                        + "allowed; revoke one first");
            }
            return Sql.update(c, "INSERT INTO web_api_tokens (id, user_id, label, token_hash, created_at, expires_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?)", id, owner.id(), label, Secrets.sha256(token), now, expires);
        });
        return new NewToken(token, new TokenInfo(id, owner.name(), label, now, expires, null));
    }

    /** The user a token belongs to, if it is known, not revoked and not expired. */
    public Optional<User> resolve(String token) {
        if (!looksLikeToken(token)) {
            return Optional.empty();
        }
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT u.id, u.name, u.role, u.created_at FROM web_api_tokens t "
                + "JOIN web_users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.revoked_at IS NULL "
                + "AND (t.expires_at IS NULL OR t.expires_at > ?)", Users::user, Secrets.sha256(token), clock.instant()));
    }

    /** A user's tokens (or everyone's, with null), newest first, at most {@code limit}. */
    public List<TokenInfo> list(User owner, int limit) {
        String where = owner == null ? "" : " WHERE t.user_id = ?";
        Object[] args = owner == null ? new Object[] {limit} : new Object[] {owner.id(), limit};
        return Jdbc.withConnection(ds, c -> Sql.list(c, "SELECT " + COLUMNS + " FROM web_api_tokens t JOIN web_users u "
                + "ON u.id = t.user_id" + where + " ORDER BY t.created_at DESC, t.id LIMIT ?", ApiTokens::info, args));
    }

    /**
     * Revokes a token by id. With an owner, only that owner's tokens are found; another user's token is a 404
     * like a missing one, so ids cannot be probed.
     */
    public TokenInfo revoke(String id, User owner) {
        Instant now = clock.instant();
        return Jdbc.inTransaction(ds, c -> {
            String where = owner == null ? "" : " AND t.user_id = ?";
            Object[] args = owner == null ? new Object[] {id} : new Object[] {id, owner.id()};
            TokenInfo t = Sql.first(c, "SELECT " + COLUMNS + " FROM web_api_tokens t JOIN web_users u ON u.id = t.user_id "
                    + "WHERE t.id = ?" + where, ApiTokens::info, args)
                    .orElseThrow(() -> ClientErrorException.notFound("There is no API token with id '" + shown(id) + "'"));
            if (t.revokedAt() != null) {
                return t;
            }
            Sql.update(c, "UPDATE web_api_tokens SET revoked_at = ? WHERE id = ?", now, id);
            return new TokenInfo(t.id(), t.user(), t.label(), t.createdAt(), t.expiresAt(), now);
        });
    }

    private static TokenInfo info(ResultSet rs) throws SQLException {
        return new TokenInfo(rs.getString("id"), rs.getString("name"), rs.getString("label"), Sql.instant(rs, "created_at"),
                Sql.instant(rs, "expires_at"), Sql.instant(rs, "revoked_at"));
    }

    private static String shown(String id) {
        return id == null ? "" : id.length() > 32 ? id.substring(0, 32) + "…" : id.replaceAll("[^A-Za-z0-9_-]", "?");
    }
}
