package org.chimp.web.identity;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.chimp.api.Names;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.DataAccessException;
import org.chimp.db.Jdbc;
import org.chimp.db.Sql;

/**
 * The users table. Names follow {@link Names#user} and are unique without regard to case; passwords are stored
 * as Argon2id hashes ({@link Passwords}). Removing a user or resetting a password ends their sessions and, on
 * removal, their API tokens too (the foreign keys cascade).
 */
public final class Users {
    /** At most this many users (a bound on every listing). */
    public static final int MAX_USERS = 10_000;

    private static final String COLUMNS = "id, name, role, created_at";

    private final DataSource ds;
    private final Passwords passwords;
    private final Clock clock;

    Users(DataSource ds, Passwords passwords, Clock clock) {
        this.ds = ds;
        this.passwords = passwords;
        this.clock = clock;
    }

    /** Adds a user; a taken name (in any case) is a 409, a bad name or password a 400. */
    public User add(String name, UserRole role, String password) {
        Names.user(name);
        String hash = passwords.hash(password);
        try {
            return insert(name, role, hash);
        } catch (DataAccessException e) {
            // Another request added the same name between the check and the insert: the unique key refused it.
            if (find(name).isPresent()) {
                throw ClientErrorException.conflict("A user named '" + name + "' already exists");
            }
            throw e;
        }
    }

    private User insert(String name, UserRole role, String hash) {
        return Jdbc.inTransaction(ds, c -> {
            if (Sql.first(c, "SELECT id FROM web_users WHERE name_key = ?", rs -> rs.getLong(1), key(name)).isPresent()) {
                throw ClientErrorException.conflict("A user named '" + name + "' already exists");
            }
            long count = Sql.first(c, "SELECT COUNT(*) FROM web_users", rs -> rs.getLong(1)).orElse(0L);
            if (count >= MAX_USERS) {
                throw ClientErrorException.conflict("CHIMP holds at most " + MAX_USERS + " users; remove one first");
            }
            Sql.update(c, "INSERT INTO web_users (name, name_key, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                    name, key(name), role.name(), hash, clock.instant());
            return Sql.first(c, "SELECT " + COLUMNS + " FROM web_users WHERE name_key = ?", Users::user, key(name)).orElseThrow();
        });
    }

    /** Every user, by name. */
    public List<User> list() {
        return Jdbc.withConnection(ds, c -> Sql.list(c, "SELECT " + COLUMNS + " FROM web_users ORDER BY name_key", Users::user));
    }

    /** The user with this name (any case), if any; names that could not exist are simply absent. */
    public Optional<User> find(String name) {
        if (!plausible(name)) {
            return Optional.empty();
        }
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT " + COLUMNS + " FROM web_users WHERE name_key = ?", Users::user, key(name)));
    }

    /** The user with this id, if it still exists. */
    public Optional<User> byId(long id) {
        return Jdbc.withConnection(ds, c -> Sql.first(c, "SELECT " + COLUMNS + " FROM web_users WHERE id = ?", Users::user, id));
    }

    /** The named user (404 if there is none). */
    public User get(String name) {
        return find(name).orElseThrow(() -> ClientErrorException.notFound("There is no user named '" + shown(name) + "'"));
    }

    /** Removes a user with their tokens and sessions; 404 if there is none. */
    public void remove(String name) {
        User u = get(name);
        Jdbc.withConnection(ds, c -> Sql.update(c, "DELETE FROM web_users WHERE id = ?", u.id()));
    }

    /** Sets a new password and ends the user's browser sessions (their API tokens stay valid). */
    public void resetPassword(String name, String password) {
        User u = get(name);
        String hash = passwords.hash(password);
        Jdbc.inTransaction(ds, c -> {
            Sql.update(c, "UPDATE web_users SET password_hash = ? WHERE id = ?", hash, u.id());
            return Sql.update(c, "DELETE FROM web_sessions WHERE user_id = ?", u.id());
        });
    }

    /**
     * The user whose name and password these are, if they are. Unknown names cost the same hashing work as known
     * ones, so timing does not reveal which names exist.
     */
    public Optional<User> authenticate(String name, String password) {
        Optional<Row> row = plausible(name) ? Jdbc.withConnection(ds, c -> Sql.first(c,
                "SELECT " + COLUMNS + ", password_hash FROM web_users WHERE name_key = ?",
                rs -> new Row(user(rs), rs.getString("password_hash")), key(name))) : Optional.empty();
        boolean ok = passwords.matches(password, row.map(Row::hash).orElse(null));
        return ok ? row.map(Row::user) : Optional.empty();
    }

    private record Row(User user, String hash) {
    }

    static User user(ResultSet rs) throws SQLException {
        return new User(rs.getLong("id"), rs.getString("name"), UserRole.valueOf(rs.getString("role")), Sql.instant(rs, "created_at"));
    }

    private static boolean plausible(String name) {
        try {
            Names.user(name);
            return true;
        } catch (ClientErrorException e) {
            return false;
        }
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static String shown(String name) {
        return name == null ? "" : name.length() > 64 ? name.substring(0, 64) + "…" : name.replaceAll("\\p{Cntrl}", "?");
    }
}
