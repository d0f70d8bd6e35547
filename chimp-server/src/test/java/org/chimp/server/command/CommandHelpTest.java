package org.chimp.server.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.chimp.server.ChimpCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code chimp --help} and every command's list of subcommands show whole one-line summaries. */
class CommandHelpTest {
    /** What fits the summary column of picocli's 80-character usage width without wrapping. */
    private static final int SUMMARY_WIDTH = 62;

    @Test
    void everyCommandHasAOneLineSummaryThatFitsTheCommandList() {
        List<String> problems = new ArrayList<>();
        // The root is not listed anywhere; its children are.
        new CommandLine(new ChimpCommand()).getSubcommands().values().stream()
                .filter(sub -> !(sub.getCommand() instanceof CommandLine.HelpCommand))
                .forEach(sub -> visit(sub, problems));
        assertThat(problems).isEmpty();
    }

    @Test
    void theTopLevelHelpCutsNoSummary() {
        String help = new CommandLine(new ChimpCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF);
        // A wrapped summary continues on a line indented past the command names.
        assertThat(help.lines().filter(l -> l.startsWith("                 "))).isEmpty();
        // The name column is as wide as the longest name ("model, models").
        assertThat(help).containsPattern("\n  standalone +Runs every role of CHIMP in one process on one port\\.\n");
    }

    private static void visit(CommandLine cmd, List<String> problems) {
        CommandLine.Model.UsageMessageSpec usage = cmd.getCommandSpec().usageMessage();
        String[] lines = usage.header().length > 0 ? usage.header() : usage.description();
        String name = cmd.getCommandSpec().qualifiedName();
        if (lines.length == 0 || lines[0].isBlank()) {
            problems.add(name + ": no summary");
        } else if (lines[0].length() > SUMMARY_WIDTH || !lines[0].endsWith(".")) {
            problems.add(name + ": summary is not one whole sentence of at most " + SUMMARY_WIDTH + " characters: " + lines[0]);
        }
        cmd.getSubcommands().values().stream()
                .filter(sub -> !(sub.getCommand() instanceof CommandLine.HelpCommand))
                .forEach(sub -> visit(sub, problems));
    }
}
