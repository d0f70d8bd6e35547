package org.chimp.tracking.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.chimp.api.ModelConfig;
import org.chimp.tracking.registry.ModelRegistry;

/**
 * A model version's files, downloaded into {@code directory}.
 *
 * @param files  every downloaded file (the weights and {@value ModelRegistry#CONFIG_ARTIFACT})
 * @param config the model config, when the version was registered by CHIMP (it always is, unless logged by hand)
 */
public record DownloadedModel(ModelVersionInfo version, Path directory, List<Path> files, Optional<ModelConfig> config) {
    public DownloadedModel {
        files = List.copyOf(files);
    }

    /**
     * Reads the config among the files and checks that every artifact it references was downloaded intact, so a
     * caller never loads weights that differ from the ones registered.
     */
    static DownloadedModel of(ModelVersionInfo version, Path directory, List<Path> files) {
        Optional<Path> configFile = files.stream().filter(f -> f.getFileName().toString().equals(ModelRegistry.CONFIG_ARTIFACT)).findFirst();
        if (configFile.isEmpty()) {
            return new DownloadedModel(version, directory, files, Optional.empty());
        }
        try {
            ModelConfig config = ModelConfig.parse(Files.readString(configFile.get()));
            Set<String> present = new HashSet<>();
            for (Path f : files) {
                present.add("sha256:" + sha256(f));
            }
            for (var ref : config.artifacts().entrySet()) {
                if (!present.contains(ref.getValue())) {
                    throw new IllegalStateException("Model " + version.name() + " version " + version.version() + ": no downloaded file matches "
                            + "artifact '" + ref.getKey() + "' (" + ref.getValue() + "); the run's model files were changed after registration");
                }
            }
            return new DownloadedModel(version, directory, files, Optional.of(config));
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the downloaded model in " + directory + " failed", e);
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
