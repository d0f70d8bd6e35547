package org.chimp.server.command;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.chimp.api.Architectures;
import org.chimp.api.ModelConfig;
import org.chimp.api.error.ClientErrorException;
import org.chimp.server.config.ConfigSource;
import org.chimp.server.examples.ExampleModels;
import org.chimp.tracking.client.ModelVersionInfo;
import org.chimp.tracking.client.RemoteTrackingClient;
import org.chimp.tracking.client.TrackingClientException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code chimp model ...} (or {@code chimp models ...}): registry operations on a running CHIMP, over its REST API, and
 * checks of model configs on this machine.
 */
@Command(name = "model", aliases = "models", mixinStandardHelpOptions = true,
        header = "Manages registered models and checks model configs.",
        description = "Manages registered models of a running CHIMP and checks model configs.",
        subcommands = {ModelCommand.Rollback.class, ModelCommand.Validate.class, ModelCommand.AddExamples.class})
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

    /**
     * {@code chimp models add-examples}: what {@code standalone --examples} registers, over the REST API of a running
     * CHIMP (the remote tracking client: a run per example, its files uploaded as run artifacts, then
     * {@code POST /api/2.0/chimp/models/register} and a stage transition).
     */
    @Command(name = "add-examples", mixinStandardHelpOptions = true,
            header = "Registers one example model per task on a running CHIMP.",
            description = {"Registers one example model per task, named after the task, in Production on a running CHIMP,",
                    "as 'standalone --examples' does; a name that already has a Production version is left alone.",
                    "Uploads about 90 MB (all-MiniLM-L6-v2) the first time."})
    static final class AddExamples implements Callable<Integer> {
        @ParentCommand
        ModelCommand parent;

        @Override
        public Integer call() throws Exception {
            String token = parent.token().orElse(null);
            if (token == null) {
                System.err.println("chimp models add-examples: no admin token; set CHIMP_ADMIN_TOKEN or point --data-dir at the server's data directory");
                return 2;
            }
            Path work = Files.createTempDirectory("chimp-examples-");
            try (RemoteTrackingClient client = new RemoteTrackingClient(parent.url, token)) {
                System.out.print(ExampleModels.describe(ExampleModels.register(client, ExampleModels.all(), work)));
                return 0;
            } catch (TrackingClientException e) {
                System.err.println("chimp models add-examples: " + e.getMessage());
                return 1;
            } finally {
                Files.deleteIfExists(work);
            }
        }
    }

    /**
     * {@code chimp models validate CONFIG.json}: the checks serving applies before it builds a model, without
     * building it (no artifact is read, no server is needed): the task is known, the architecture is known and
     * implements it, the parameters are valid, every required artifact is referenced as {@code sha256:<64 hex>}.
     */
    @Command(name = "validate", mixinStandardHelpOptions = true,
            header = "Checks a model config without loading it.",
            description = {"Checks a model config without loading it: task and architecture known, the architecture of that task,",
                    "parameters valid, required artifacts referenced as sha256:<64 hex>. Exit code 0 if valid, 1 if not."})
    static final class Validate implements Callable<Integer> {
        /** A model config is a few kilobytes (labels, preprocessing); anything this large is not one. */
        static final long MAX_BYTES = 1 << 20;

        @Parameters(paramLabel = "CONFIG.json", description = "The model config: {\"task\", \"architecture\", \"artifacts\", ...parameters}.")
        Path file;

        @Override
        public Integer call() {
            try {
                if (!Files.isRegularFile(file)) {
                    throw ClientErrorException.invalid("no such file");
                }
                if (Files.size(file) > MAX_BYTES) {
                    throw ClientErrorException.invalid("the file has " + Files.size(file) + " bytes; a model config has at most " + MAX_BYTES);
                }
                ModelConfig config = Architectures.load().validate(ModelConfig.parse(Files.readString(file)));
                System.out.printf("%s: a valid model config of task '%s', architecture '%s'%s%n", file, config.task(),
                        config.architecture(), config.artifacts().isEmpty() ? "" : ", artifacts " + config.artifacts().keySet());
                return 0;
            } catch (ClientErrorException e) {
                System.err.println("chimp models validate: " + file + ": " + e.getMessage());
                return 1;
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                System.err.println("chimp models validate: " + file + " could not be read: " + e.getMessage());
                return 1;
            }
        }
    }
}
