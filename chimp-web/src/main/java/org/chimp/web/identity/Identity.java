package org.chimp.web.identity;

import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.chimp.db.Database;

/** Users, API tokens and sessions over one database, whose {@code web} tables are migrated on opening. */
public final class Identity {
    /** How long a browser session lasts unless configured otherwise. */
    public static final Duration DEFAULT_SESSION_LIFETIME = Duration.ofHours(12);

    private final Users users;
    private final ApiTokens tokens;
    private final Sessions sessions;

    private Identity(DataSource ds, Passwords passwords, Clock clock, Duration sessionLifetime) {
        Database.migrate(ds, "web");
        users = new Users(ds, passwords, clock);
        tokens = new ApiTokens(ds, clock);
        sessions = new Sessions(ds, clock, sessionLifetime);
    }

    /** Opens the identity tables with the system clock, the default session lifetime and two hashes at once. */
    public static Identity open(DataSource ds) {
        return open(ds, new Passwords(2), Clock.systemUTC(), DEFAULT_SESSION_LIFETIME);
    }

    /** Opens the identity tables with the given hasher, clock (tests move it) and session lifetime. */
    public static Identity open(DataSource ds, Passwords passwords, Clock clock, Duration sessionLifetime) {
        return new Identity(ds, passwords, clock, sessionLifetime);
    }

    public Users users() {
        return users;
    }

    public ApiTokens tokens() {
        return tokens;
    }

    public Sessions sessions() {
        return sessions;
    }
}
