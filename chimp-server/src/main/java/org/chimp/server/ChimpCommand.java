package org.chimp.server;

import org.chimp.server.command.BenchCommand;
import org.chimp.server.command.ChainCommand;
import org.chimp.server.command.ModelCommand;
import org.chimp.server.command.SampleDataCommand;
import org.chimp.server.command.SequencerCommand;
import org.chimp.server.command.ServerCommand;
import org.chimp.server.command.StandaloneCommand;
import org.chimp.server.command.UserCommand;
import org.chimp.server.command.WorkerCommand;
import picocli.CommandLine.Command;

/** {@code chimp}: the one command of the platform; every role is a subcommand. */
@Command(name = "chimp", mixinStandardHelpOptions = true, version = "CHIMP 0.1.0",
        description = "Runs machine-learning models behind typed task APIs and keeps them improving.",
        subcommands = {StandaloneCommand.class, ServerCommand.class, WorkerCommand.class, UserCommand.class, SequencerCommand.class, ChainCommand.class, SampleDataCommand.class, BenchCommand.class, ModelCommand.class, picocli.CommandLine.HelpCommand.class})
public final class ChimpCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
