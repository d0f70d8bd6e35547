package org.chimp.server;

import org.chimp.server.config.ConfigSource;
import picocli.CommandLine;

/** Entry point of the runnable jar. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(commandLine(args).execute(args));
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
