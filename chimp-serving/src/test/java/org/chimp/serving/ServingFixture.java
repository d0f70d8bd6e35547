package org.chimp.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chimp.api.Architectures;
import org.chimp.api.ModelConfig;
import org.chimp.db.TestDatabases;
import org.chimp.models.onnx.TinyOnnx;
import org.chimp.store.ArtifactStore;
import org.chimp.store.FileBlobStore;
import org.chimp.tracking.ActiveRun;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.tracking.registry.Stage;

/**
 * A real registry and artifact store on a fresh database, with helpers that register tiny ONNX classifiers over
 * 2x2 gray images: labels top / bottom / dark, "top" summing the top row, "bottom" the bottom row.
 */
public final class ServingFixture implements AutoCloseable {
    public static final List<String> LABELS = List.of("top", "bottom", "dark");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final float[] BIAS = {0f, 0f, 2.5f};

    public final HikariDataSource ds;
    public final ArtifactStore artifacts;
    public final TrackingStore tracking;
    public final ModelRegistry registry;
    public final Deployments deployments;
    private final Path dir;

    public ServingFixture(TestDatabases.Kind kind, Path dir) {
        this.dir = dir;
        this.ds = kind.open();
        FileBlobStore blobs = new FileBlobStore(dir.resolve("blobs"));
        this.artifacts = new ArtifactStore(blobs, dir.resolve("cache"));
        this.tracking = new TrackingStore(ds, blobs);
        this.registry = new ModelRegistry(ds, artifacts);
        this.deployments = new Deployments(registry, artifacts, Architectures.load());
    }

    /** The normal model: a bright top row means "top". */
    public static byte[] upright() {
        return TinyOnnx.flat(TinyOnnx.weights(4, 5f, new int[] {0, 1}, new int[] {2, 3}, new int[] {}), BIAS, true, 0);
    }

    /** The same model with top and bottom swapped, so tests can tell which version answered. */
    public static byte[] flipped() {
        return TinyOnnx.flat(TinyOnnx.weights(4, 5f, new int[] {2, 3}, new int[] {0, 1}, new int[] {}), BIAS, true, 0);
    }

    /** Registers a new version of {@code name} with the given ONNX bytes and labels; returns its number. */
    public int register(String name, byte[] onnx, List<String> labels) {
        try {
            Path file = Files.createTempFile(dir, "model", ".onnx");
            Files.write(file, onnx);
            ActiveRun run = tracking.startRun(tracking.getOrCreateExperiment("serving-test"), "train", Map.of());
            ObjectNode params = MAPPER.createObjectNode();
            labels.forEach(params.putArray("labels")::add);
            params.putObject("preprocessing").put("width", 2).put("height", 2).put("grayscale", true).put("mean", 0).put("std", 1);
            int version = registry.registerModel(run, name, "image-classification", "onnx-classifier", params,
                    Map.of("weights", file)).version();
            run.end(true);
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers a game-move model (the tictactoe-minimax agent, no artifacts) and puts it in Production. */
    public int registerGame(String name) {
        ActiveRun run = tracking.startRun(tracking.getOrCreateExperiment("serving-test"), "game", Map.of());
        int version = registry.registerModel(run, name, "game-move", "tictactoe-minimax", MAPPER.createObjectNode(), Map.of())
                .version();
        run.end(true);
        promote(name, version, Stage.PRODUCTION);
        return version;
    }

    /**
     * Registers a model of any task from a config and its artifact files by name (the config's references are
     * ignored: the registry stores the files and references them) and puts it in Production.
     */
    public int registerProduction(String name, ModelConfig config, Map<String, byte[]> files) {
        try {
            Map<String, Path> paths = new LinkedHashMap<>();
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                paths.put(e.getKey(), Files.write(Files.createTempFile(dir, e.getKey(), ".bin"), e.getValue()));
            }
            ActiveRun run = tracking.startRun(tracking.getOrCreateExperiment("serving-test"), config.task(), Map.of());
            int version = registry.registerModel(run, name, config.task(), config.architecture(), config.parameters(), paths).version();
            run.end(true);
            promote(name, version, Stage.PRODUCTION);
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers and moves the version to the stage, archiving the stage's other versions. */
    public int registerIn(String name, byte[] onnx, Stage stage) {
        int v = register(name, onnx, LABELS);
        promote(name, v, stage);
        return v;
    }

    public void promote(String name, int version, Stage stage) {
        registry.transitionStage(name, version, stage, stage == Stage.PRODUCTION || stage == Stage.STAGING);
    }

    /** Waits until the background reloads queued so far are done. */
    public void settle() {
        deployments.idle().join();
    }

    @Override
    public void close() {
        deployments.close();
        ds.close();
    }
}
