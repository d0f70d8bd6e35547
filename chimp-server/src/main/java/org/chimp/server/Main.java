package org.chimp.server;

import org.chimp.server.config.ConfigSource;
import picocli.CommandLine;

/** Entry point of the runnable jar. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        CommandLine cl;
        try {
            cl = commandLine(args);
        } catch (IllegalArgumentException e) {
            System.err.println("chimp: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(cl.execute(args));
    }

    /** The command line with configuration defaults from the environment and the config file. */
    public static CommandLine commandLine(String[] args) {
        ConfigSource config = ConfigSource.load(args, System.getenv());
        CommandLine cl = new CommandLine(new ChimpCommand());
        cl.setDefaultValueProvider(config);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }
}
