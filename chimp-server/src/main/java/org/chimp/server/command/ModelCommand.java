package org.chimp.server.command;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.chimp.server.config.ConfigSource;
import org.chimp.tracking.client.ModelVersionInfo;
import org.chimp.tracking.client.RemoteTrackingClient;
import org.chimp.tracking.client.TrackingClientException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code chimp model ...}: registry operations on a running CHIMP, over its REST API. */
@Command(name = "model", mixinStandardHelpOptions = true, description = "Manages registered models of a running CHIMP.",
        subcommands = {ModelCommand.Rollback.class})
public final class ModelCommand implements Runnable {
    @Option(names = "--url", defaultValue = "http://localhost:5252",
            description = "Base URL of CHIMP's tracking API (env CHIMP_URL; default ${DEFAULT-VALUE}; 8999 for split roles).")
    URI url;

    @Option(names = "--data-dir", defaultValue = "chimp-data",
            description = "Where to find the admin token CHIMP generated, when CHIMP_ADMIN_TOKEN is not set "
                    + "(env CHIMP_DATA_DIR; default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The admin token: CHIMP_ADMIN_TOKEN or the config file's, else the one generated into the data directory. */
    Optional<String> token() throws java.io.IOException {
        Optional<String> configured = ((ConfigSource) spec.commandLine().getDefaultValueProvider()).setting("admin-token");
        if (configured.isPresent()) {
            return configured.map(String::trim);
        }
        Path file = dataDir.resolve("admin-token");
        return Files.isRegularFile(file) ? Optional.of(Files.readString(file).trim()) : Optional.empty();
    }

    /** {@code chimp model rollback NAME}. */
    @Command(name = "rollback", mixinStandardHelpOptions = true,
        header = "Puts the previous Production version back in Production.",
            description = {"Puts the previous Production version of a model back in Production and archives the current one;",
                    "serving switches without a restart."})
    static final class Rollback implements Callable<Integer> {
        @ParentCommand
        ModelCommand parent;

        @Parameters(paramLabel = "NAME", description = "The registered model.")
        String name;

        @Override
        public Integer call() throws Exception {
            String token = parent.token().orElse(null);
            if (token == null) {
                System.err.println("chimp model rollback: no admin token; set CHIMP_ADMIN_TOKEN or point --data-dir at the server's data directory");
                return 2;
            }
            try (RemoteTrackingClient client = new RemoteTrackingClient(parent.url, token)) {
                ModelVersionInfo restored = client.rollback(name);
                System.out.printf("Model '%s': version %d is in Production again%n", restored.name(), restored.version());
                return 0;
            } catch (TrackingClientException e) {
                System.err.println("chimp model rollback: " + e.getMessage());
                return 1;
            }
        }
    }
}
