package org.chimp.server.command;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.chimp.training.sample.SyntheticFaces;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chimp sample-data}: writes a synthetic face-expression dataset to try CHIMP with. */
@Command(name = "sample-data", mixinStandardHelpOptions = true,
        header = "Writes a synthetic face dataset (FER2013 layout) as a zip.",
        description = "Writes a synthetic face-expression dataset (FER2013 layout: train/<label>/*.png, test/...) as a zip.")
public final class SampleDataCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "The zip file to write.")
    Path out;

    @Option(names = "--train-per-label", defaultValue = "60", description = "Training images per expression (default ${DEFAULT-VALUE}).")
    int trainPerLabel;

    @Option(names = "--test-per-label", defaultValue = "20", description = "Held-out images per expression (default ${DEFAULT-VALUE}).")
    int testPerLabel;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed; the same seed writes the same images (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (trainPerLabel < 1 || testPerLabel < 0) {
            System.err.println("--train-per-label must be at least 1 and --test-per-label at least 0");
            return 2;
        }
        SyntheticFaces.writeZip(out, trainPerLabel, testPerLabel, seed);
        System.out.println("Wrote " + out.toAbsolutePath());
        return 0;
    }
}
