package org.chimp.web.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;

/**
 * Browser sessions in the database, so they survive a restart and are shared by every server process. The
 * cookie holds 32 random bytes; the table holds their SHA-256 and an expiry. Each session has a CSRF token
 * derived from its secret: pages must send it back with every change, which another site cannot do since it
 * never sees the cookie.
 */
public final class Sessions {
    /** A live session: who, until when, and the CSRF token forms must carry. */
    public record Session(User user, Instant expiresAt, String csrfToken) {
    }

    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final DataSource ds;
    private final Clock clock;
    private final Duration lifetime;

    Sessions(DataSource ds, Clock clock, Duration lifetime) {
        this.ds = ds;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** How long a session lasts after login. */
    public Duration lifetime() {
        return lifetime;
    }

    /** Starts a session and returns the secret for the cookie; expired sessions of anyone are swept on the way. */
    public String start(User user) {
        String secret = Secrets.random("");
        Instant now = clock.instant();
        Jdbc.inTransaction(ds, c -> {
            Sql.update(c, "DELETE FROM web_sessions WHERE expires_at <= ?", now);
            return Sql.update(c, "INSERT INTO web_sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                    Secrets.sha256(secret), user.id(), now, now.plus(lifetime));
        });
        return secret;
    }

    /** The live session a cookie value stands for, if any (forged, expired and ended ones are absent). */
    public Optional<Session> resolve(String secret) {
        if (secret == null || !SHAPE.matcher(secret).matches()) {
            return Optional.empty();
        }
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT u.id, u.name, u.role, u.created_at, s.expires_at "
                + "FROM web_sessions s JOIN web_users u ON u.id = s.user_id WHERE s.id_hash = ? AND s.expires_at > ?",
                rs -> new Session(Users.user(rs), Sql.instant(rs, "expires_at"), csrfToken(secret)),
                Secrets.sha256(secret), clock.instant()));
    }

    /** Ends a session (logout); unknown secrets are ignored. */
    public void end(String secret) {
        if (secret != null && SHAPE.matcher(secret).matches()) {
            Jdbc.withConnection(ds, c -> Sql.update(c, "DELETE FROM web_sessions WHERE id_hash = ?", Secrets.sha256(secret)));
        }
    }

    /** The CSRF token of a session: derived from its secret, so it needs no storage and no one else can compute it. */
    static String csrfToken(String secret) {
        return Secrets.sha256("chimp-csrf:" + secret);
    }
}
