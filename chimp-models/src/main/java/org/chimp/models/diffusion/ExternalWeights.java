package org.chimp.models.diffusion;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.chimp.api.error.ClientErrorException;
import org.chimp.models.onnx.OnnxSessions;

/**
 * A network whose weights live in a second file (ONNX "external data"): how Stable Diffusion's fp32 UNet is
 * exported, its 3.4 GB being over protobuf's 2 GB limit. ONNX Runtime looks for that file by the name recorded in
 * the graph, next to the graph's file, but a content-addressed store keeps files under their hashes; so the graph
 * and its weights are linked into a fresh directory under the expected names for the moment the session loads.
 * The recorded name must be a plain file name, so a graph cannot make ONNX Runtime read another file.
 */
final class ExternalWeights {
    /** A graph whose weights are external is small (SD's UNet graph: about 2 MB); a huge one is a mistake. */
    static final long MAX_GRAPH_BYTES = 256L << 20;
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}");

    private ExternalWeights() {
    }

    /** The optional artifact holding a network's external weights, e.g. {@code unet_data}. */
    static String artifactName(String network) {
        return network + "_data";
    }

    /** Opens the graph with its weights file, on CUDA when present. */
    static OrtSession open(String artifact, Path graph, Path weights) {
        String location = location(artifact, graph);
        Path dir = null;
        try {
            dir = Files.createTempDirectory("chimp-onnx-");
            Path model = link(dir.resolve("model.onnx"), graph);
            link(dir.resolve(location), weights);
            return OnnxSessions.open(model, artifact, true);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not link the '" + artifact + "' model's files for loading", e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /** The one file name the graph's external weights refer to; a 400 if there is none, several, or a path. */
    static String location(String artifact, Path graph) {
        OnnxMl.ModelProto model;
        try {
            if (Files.size(graph) > MAX_GRAPH_BYTES) {
                throw ClientErrorException.invalid("The '" + artifact + "' model is " + Files.size(graph) + " bytes; with '"
                        + artifactName(artifact) + "' given, it must be a graph whose weights are external (at most " + MAX_GRAPH_BYTES + " bytes)");
            }
            try (InputStream in = Files.newInputStream(graph)) {
                model = OnnxMl.ModelProto.parseFrom(in);
            }
        } catch (IOException e) {
            throw ClientErrorException.invalid("The '" + artifact + "' artifact is not an ONNX model", e);
        }
        Set<String> locations = new TreeSet<>();
        for (OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
                t.getExternalDataList().stream().filter(e -> e.getKey().equals("location")).forEach(e -> locations.add(e.getValue()));
            }
        }
        if (locations.size() != 1) {
            throw ClientErrorException.invalid("The '" + artifact + "' model's external weights must be in exactly one file, to be given as '"
                    + artifactName(artifact) + "'; the graph names " + (locations.isEmpty() ? "none" : locations.size() + " files"));
        }
        String location = locations.iterator().next();
        if (!PLAIN_NAME.matcher(location).matches() || location.equals("model.onnx")) {
            throw ClientErrorException.invalid("The '" + artifact + "' model's external weights file must be a plain file name, not a path");
        }
        return location;
    }

    private static Path link(Path link, Path target) throws IOException {
        try {
            return Files.createSymbolicLink(link, target.toAbsolutePath());
        } catch (UnsupportedOperationException | IOException e) {
            return Files.createLink(link, target); // no symbolic links here: a hard link, on the same file system
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // A leftover temp directory of two links wastes nothing; loading succeeded or failed on its own terms.
        }
    }
}
