package org.chimp.server.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.chimp.db.Database;
import org.chimp.server.Main;
import org.chimp.web.identity.Identity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code chimp user ...} as a person runs it, with the password piped on standard input. */
class UserCommandTest {
    @TempDir
    Path dir;
    private final InputStream stdin = System.in;

    /** Exit code, standard output and standard error of one run. */
    private record Run(int exit, String out, String err) {
    }

    @AfterEach
    void restoreStdin() {
        System.setIn(stdin);
    }

    private Run run(String input, String... args) {
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--data-dir";
        full[args.length + 1] = dir.toString();
        CommandLine cl = Main.commandLine(full);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(full);
        return new Run(exit, out.toString(), err.toString());
    }

    private boolean canLogIn(String name, String password) {
        try (HikariDataSource ds = Database.open(Database.h2FileUrl(dir))) {
            return Identity.open(ds).users().authenticate(name, password).isPresent();
        }
    }

    @Test
    void addListResetAndRemove() {
        Run added = run("first password\n", "user", "add", "alice", "--role", "admin");
        assertThat(added.exit()).as(added.err()).isZero();
        assertThat(added.out()).contains("Added admin alice");
        assertThat(run("bob's password\r\n", "user", "add", "bob").exit()).isZero();

        Run list = run("", "user", "list");
        assertThat(list.out()).containsPattern("alice\\s+admin").containsPattern("bob\\s+user").doesNotContain("password");
        assertThat(canLogIn("bob", "bob's password")).as("the line break is not part of the password").isTrue();

        assertThat(run("second password\n", "user", "reset-password", "alice").exit()).isZero();
        assertThat(canLogIn("alice", "first password")).isFalse();
        assertThat(canLogIn("alice", "second password")).isTrue();

        assertThat(run("", "user", "remove", "bob").exit()).isZero();
        assertThat(run("", "user", "list").out()).doesNotContain("bob");
    }

    @Test
    void mistakesAreExplainedAndChangeNothing() {
        assertThat(run("first password\n", "user", "add", "alice").exit()).isZero();
        Run dup = run("other password\n", "user", "add", "ALICE");
        assertThat(dup.exit()).isEqualTo(1);
        assertThat(dup.err()).contains("already exists");
        assertThat(run("short\n", "user", "add", "bob").err()).contains("at least 8");
        assertThat(run("", "user", "add", "bob").err()).contains("No password");
        assertThat(run("a good password\n", "user", "add", "bob", "--role", "root").err()).contains("'user' and 'admin'");
        assertThat(run("a good password\n", "user", "add", "bob'; DROP TABLE web_users; --").err()).contains("Invalid user id");
        assertThat(run("a good password\n", "user", "add", "b".repeat(65)).err()).contains("at most 64");
        assertThat(run("", "user", "remove", "nobody").err()).contains("no user named 'nobody'");
        assertThat(run("a good password\n", "user", "reset-password", "nobody").exit()).isEqualTo(1);
        Run onCommandLine = run("", "user", "add", "carol", "--password", "on the command line");
        assertThat(onCommandLine.exit()).as("passwords are never arguments").isEqualTo(2);
        assertThat(run("", "user", "list").out()).contains("alice").doesNotContain("bob").doesNotContain("carol");
        assertThat(canLogIn("alice", "first password")).isTrue();
    }
}
