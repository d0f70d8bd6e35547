package org.chimp.server.examples;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * One example model: registered under its task's id, built from an architecture, parameters and artifact files.
 *
 * @param artifacts artifact name (the config's {@code artifacts} key) to its file name and content
 */
public record Example(String name, String task, String architecture, ObjectNode parameters, Map<String, Artifact> artifacts) {
    public Example {
        parameters = parameters.deepCopy();
        artifacts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(artifacts));
    }

    /** One artifact file: its name when written, and how to read it (opened once per write). */
    public record Artifact(String fileName, Callable<InputStream> content) {
        public static Artifact of(String fileName, byte[] bytes) {
            return new Artifact(fileName, () -> new java.io.ByteArrayInputStream(bytes));
        }
    }

    @Override
    public ObjectNode parameters() {
        return parameters.deepCopy();
    }

    /** Writes the artifact files into {@code dir}; returns artifact name to file. */
    public Map<String, Path> writeArtifacts(Path dir) {
        Map<String, Path> files = new LinkedHashMap<>();
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, Artifact> a : artifacts.entrySet()) {
                Path file = dir.resolve(a.getValue().fileName());
                try (InputStream in = a.getValue().content().call()) {
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
                files.put(a.getKey(), file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("Example '" + name + "': could not write artifacts: " + e.getMessage(), e);
        }
        return files;
    }
}
