package org.chimp.server.command;

import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.Database;
import org.chimp.server.config.ConfigSource;
import org.chimp.server.config.NodeOptions;
import org.chimp.web.identity.Identity;
import org.chimp.web.identity.User;
import org.chimp.web.identity.UserRole;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code chimp user add|list|remove|reset-password}: manages the users of a deployment, straight in its database
 * (the same {@code --data-dir}/{@code --db} as the server). Passwords are typed at a prompt, or read as one line
 * from standard input when it is not a terminal; never taken from the command line, where other users of the
 * machine could read them.
 */
@Command(name = "user", mixinStandardHelpOptions = true,
        header = "Manages users: add, list, remove, reset-password.",
        description = {"Manages users: 'add NAME --role user|admin', 'list', 'remove NAME', 'reset-password NAME'.",
                "Works on the database directly; with the embedded H2 database, stop CHIMP first."},
        subcommands = {UserCommand.Add.class, UserCommand.ListUsers.class, UserCommand.Remove.class, UserCommand.ResetPassword.class})
public final class UserCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The work of one subcommand on an open identity store. */
    @FunctionalInterface
    interface Work {
        void run(Identity identity, PrintWriter out) throws IOException;
    }

    /** What every subcommand shares: the database options, opening it, and turning refusals into messages. */
    abstract static class Base implements Callable<Integer> {
        @Mixin
        NodeOptions options;

        @Spec
        CommandSpec spec;

        int withIdentity(Work work) throws IOException {
            ConfigSource config = (ConfigSource) spec.root().commandLine().getDefaultValueProvider();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String url = options.settings(config, false).jdbcUrl();
            HikariDataSource ds;
            try {
                ds = Database.open(url);
            } catch (RuntimeException e) {
                err.println("chimp user: cannot open the database (" + e.getMessage() + "); with the embedded H2 "
                        + "database, stop CHIMP first or use the same --db as the server");
                return 1;
            }
            try (ds) {
                work.run(Identity.open(ds), out);
                return 0;
            } catch (ClientErrorException e) {
                err.println("chimp user: " + e.getMessage());
                return 1;
            }
        }

        /** A new password: typed twice at a terminal, else the first line of standard input. */
        String readNewPassword() throws IOException {
            Console console = System.console();
            if (console != null) {
                char[] first = console.readPassword("Password: ");
                char[] again = console.readPassword("Repeat password: ");
                try {
                    if (first == null || again == null || !Arrays.equals(first, again)) {
                        throw ClientErrorException.invalid("The passwords do not match");
                    }
                    return new String(first);
                } finally {
                    Arrays.fill(first == null ? new char[0] : first, ' ');
                    Arrays.fill(again == null ? new char[0] : again, ' ');
                }
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null) {
                throw ClientErrorException.invalid("No password: type it at the prompt, or pipe it on standard input");
            }
            return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, header = "Adds a user.",
            description = "Adds a user; the password is prompted for (or read from stdin).")
    static final class Add extends Base {
        @Parameters(index = "0", paramLabel = "NAME", description = "User name: ASCII letters, digits and . _ - @ (at most 64).")
        String name;

        @Option(names = "--role", defaultValue = "user", description = "user or admin (default ${DEFAULT-VALUE}).")
        String role;

        @Override
        public Integer call() throws IOException {
            return withIdentity((identity, out) -> {
                UserRole r = UserRole.parse(role);
                User u = identity.users().add(name, r, readNewPassword());
                out.println("Added " + u.role().id() + " " + u.name());
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the users with their roles.")
    static final class ListUsers extends Base {
        @Override
        public Integer call() throws IOException {
            return withIdentity((identity, out) -> {
                out.printf("%-32s %-6s %s%n", "NAME", "ROLE", "CREATED");
                for (User u : identity.users().list()) {
                    out.printf("%-32s %-6s %s%n", u.name(), u.role().id(), u.createdAt());
                }
            });
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes a user with their API tokens and sessions.")
    static final class Remove extends Base {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws IOException {
            return withIdentity((identity, out) -> {
                identity.users().remove(name);
                out.println("Removed " + name);
            });
        }
    }

    @Command(name = "reset-password", mixinStandardHelpOptions = true, header = "Sets a user's new password.",
            description = "Sets a new password (prompted for, or read from stdin) and ends the user's browser sessions.")
    static final class ResetPassword extends Base {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws IOException {
            return withIdentity((identity, out) -> {
                identity.users().get(name);
                identity.users().resetPassword(name, readNewPassword());
                out.println("Password of " + name + " reset; their browser sessions have ended");
            });
        }
    }
}
