package org.chimp.web.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class IdentityTest {
    private static final String PASSWORD = "correct horse battery";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private HikariDataSource ds;

    private Identity open(TestDatabases.Kind kind) {
        ds = kind.open();
        return Identity.open(ds, new Passwords(2), clock, Duration.ofHours(12));
    }

    @AfterEach
    void close() {
        if (ds != null) {
            ds.close();
        }
    }

    private static void refused(Runnable r, int status, String fragment) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(ClientErrorException.class, e -> {
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.getMessage()).contains(fragment);
        });
    }

    private List<String> column(String sql) throws SQLException {
        try (Connection c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void passwordsAreStoredAsSaltedArgon2idHashes(TestDatabases.Kind kind) throws SQLException {
        Identity id = open(kind);
        id.users().add("alice", UserRole.USER, PASSWORD);
        id.users().add("bob", UserRole.ADMIN, PASSWORD);
        List<String> hashes = column("SELECT password_hash FROM web_users ORDER BY name_key");
        assertThat(hashes).allSatisfy(h -> assertThat(h).startsWith("$argon2id$").doesNotContain(PASSWORD));
        assertThat(hashes.get(0)).as("salted: one password, two hashes").isNotEqualTo(hashes.get(1));
        assertThat(id.users().list()).extracting(User::name, User::role)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("alice", UserRole.USER), org.assertj.core.groups.Tuple.tuple("bob", UserRole.ADMIN));
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void loginNeedsTheRightNameAndPassword(TestDatabases.Kind kind) {
        Identity id = open(kind);
        id.users().add("Alice", UserRole.USER, PASSWORD);
        assertThat(id.users().authenticate("alice", PASSWORD)).map(User::name).contains("Alice");
        assertThat(id.users().authenticate("Alice", PASSWORD + "x")).isEmpty();
        assertThat(id.users().authenticate("Alice", "")).isEmpty();
        assertThat(id.users().authenticate("Alice", null)).isEmpty();
        assertThat(id.users().authenticate("nobody", PASSWORD)).isEmpty();
        assertThat(id.users().authenticate(null, PASSWORD)).isEmpty();
        assertThat(id.users().authenticate("alice' OR '1'='1", PASSWORD)).isEmpty();
        assertThat(id.users().authenticate("a".repeat(100_000), PASSWORD)).isEmpty();
        assertThat(id.users().authenticate("Alice", "x".repeat(100_000))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void badNamesAndPasswordsAre400sAndChangeNothing(TestDatabases.Kind kind) {
        Identity id = open(kind);
        id.users().add("alice", UserRole.USER, PASSWORD);
        refused(() -> id.users().add("ALICE", UserRole.USER, PASSWORD), 409, "already exists");
        refused(() -> id.users().add("bob'; DROP TABLE web_users; --", UserRole.USER, PASSWORD), 400, "user id");
        refused(() -> id.users().add("b".repeat(65), UserRole.USER, PASSWORD), 400, "at most 64");
        refused(() -> id.users().add("bo\nb", UserRole.USER, PASSWORD), 400, "control character");
        refused(() -> id.users().add("", UserRole.USER, PASSWORD), 400, "required");
        refused(() -> id.users().add("bob", UserRole.USER, "short"), 400, "at least 8");
        refused(() -> id.users().add("bob", UserRole.USER, "p".repeat(257)), 400, "at most 256");
        refused(() -> id.users().add("bob", UserRole.USER, "pass\nword12"), 400, "control characters");
        refused(() -> UserRole.parse("root"), 400, "'user' and 'admin'");
        refused(() -> id.users().remove("nobody"), 404, "no user");
        assertThat(id.users().list()).extracting(User::name).containsExactly("alice");
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void apiTokensAreShownOnceStoredHashedRevocableAndExpire(TestDatabases.Kind kind) throws SQLException {
        Identity id = open(kind);
        User alice = id.users().add("alice", UserRole.USER, PASSWORD);
        User bob = id.users().add("bob", UserRole.USER, PASSWORD);
        ApiTokens.NewToken t = id.tokens().create(alice, "laptop", null);
        ApiTokens.NewToken shortLived = id.tokens().create(alice, "ci", Duration.ofDays(1));
        assertThat(t.token()).startsWith(ApiTokens.PREFIX).hasSize(ApiTokens.PREFIX.length() + 43);
        assertThat(column("SELECT token_hash FROM web_api_tokens")).doesNotContain(t.token())
                .contains(Secrets.sha256(t.token()));
        assertThat(id.tokens().resolve(t.token())).map(User::name).contains("alice");

        assertThat(id.tokens().resolve(t.token() + "x")).isEmpty();
        assertThat(id.tokens().resolve(ApiTokens.PREFIX + "A".repeat(43))).as("well-formed but unknown").isEmpty();
        assertThat(id.tokens().resolve("' OR 1=1 --")).isEmpty();

        refused(() -> id.tokens().revoke(t.info().id(), bob), 404, "no API token");
        assertThat(id.tokens().resolve(t.token())).as("bob could not revoke it").isPresent();
        assertThat(id.tokens().revoke(t.info().id(), alice).revokedAt()).isNotNull();
        assertThat(id.tokens().resolve(t.token())).as("revoked").isEmpty();

        assertThat(id.tokens().resolve(shortLived.token())).isPresent();
        clock.advance(Duration.ofDays(1));
        assertThat(id.tokens().resolve(shortLived.token())).as("expired").isEmpty();
        assertThat(id.tokens().list(alice, 10)).extracting(ApiTokens.TokenInfo::label).containsExactlyInAnyOrder("laptop", "ci");
        assertThat(id.tokens().list(bob, 10)).isEmpty();

        refused(() -> id.tokens().create(alice, "x\u0000y", null), 400, "label");
        refused(() -> id.tokens().create(alice, "ok", Duration.ofDays(4000)), 400, "lifetime");
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void sessionsExpireEndAndCannotBeForged(TestDatabases.Kind kind) throws SQLException {
        Identity id = open(kind);
        User alice = id.users().add("alice", UserRole.USER, PASSWORD);
        String s1 = id.sessions().start(alice);
        String s2 = id.sessions().start(alice);
        assertThat(column("SELECT id_hash FROM web_sessions")).doesNotContain(s1).contains(Secrets.sha256(s1));
        Sessions.Session live = id.sessions().resolve(s1).orElseThrow();
        assertThat(live.user().name()).isEqualTo("alice");
        assertThat(live.csrfToken()).isNotEqualTo(s1).isNotEqualTo(id.sessions().resolve(s2).orElseThrow().csrfToken());

        assertThat(id.sessions().resolve("A".repeat(43))).as("forged").isEmpty();
        assertThat(id.sessions().resolve(s1 + "'--")).isEmpty();
        assertThat(id.sessions().resolve(null)).isEmpty();

        id.sessions().end(s2);
        assertThat(id.sessions().resolve(s2)).as("logged out").isEmpty();
        clock.advance(Duration.ofHours(12));
        assertThat(id.sessions().resolve(s1)).as("expired").isEmpty();
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void resetPasswordEndsSessionsAndRemovalEndsEverything(TestDatabases.Kind kind) {
        Identity id = open(kind);
        User alice = id.users().add("alice", UserRole.USER, PASSWORD);
        String session = id.sessions().start(alice);
        String token = id.tokens().create(alice, "laptop", null).token();
        id.users().resetPassword("ALICE", "a new password");
        assertThat(id.sessions().resolve(session)).isEmpty();
        assertThat(id.users().authenticate("alice", PASSWORD)).isEmpty();
        assertThat(id.users().authenticate("alice", "a new password")).isPresent();
        assertThat(id.tokens().resolve(token)).as("tokens outlive a password reset").isPresent();

        String again = id.sessions().start(alice);
        id.users().remove("alice");
        assertThat(id.sessions().resolve(again)).isEmpty();
        assertThat(id.tokens().resolve(token)).isEmpty();
        assertThat(id.users().find("alice")).isEmpty();
    }
}
