package org.chimp.server.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where option values come from when the command line leaves them out: first a {@code CHIMP_*} environment
 * variable, then the YAML config file, then the option's own default. Each option {@code --data-dir} maps to the
 * variable {@code CHIMP_DATA_DIR} and the YAML key {@code data-dir}; the backend URLs use the names DESIGN.md
 * gives them ({@code CHIMP_DB_URL}, {@code CHIMP_BROKER_URL}, {@code CHIMP_STORE_URL}).
 */
public final class ConfigSource implements CommandLine.IDefaultValueProvider {
    private static final Map<String, String> ENV_NAMES = Map.of(
            "db", "CHIMP_DB_URL", "broker", "CHIMP_BROKER_URL", "store", "CHIMP_STORE_URL");

    private final Map<String, String> env;
    private final Map<String, String> yaml;
    private final Path file;

    ConfigSource(Map<String, String> env, Map<String, String> yaml, Path file) {
        this.env = Map.copyOf(env);
        this.yaml = Map.copyOf(yaml);
        this.file = file;
    }

    /**
     * Reads the config file named by {@code --config} in the arguments, else by {@code CHIMP_CONFIG}, else
     * {@code ./chimp.yaml} if it exists. A named file that is missing or not valid YAML is an
     * IllegalArgumentException saying which file and why.
     */
    public static ConfigSource load(String[] args, Map<String, String> env) {
        Path named = configArgument(args).map(Path::of)
                .or(() -> Optional.ofNullable(env.get("CHIMP_CONFIG")).filter(s -> !s.isBlank()).map(Path::of))
                .orElse(null);
        Path file = named != null ? named : Path.of("chimp.yaml");
        if (named == null && !Files.isRegularFile(file)) {
            return new ConfigSource(env, Map.of(), null);
        }
        return new ConfigSource(env, readYaml(file), file);
    }

    /** A setting that is not a command-line option (such as the admin token): environment first, then YAML. */
    public Optional<String> setting(String key) {
        String v = env.get(envName(key));
        if (v == null || v.isBlank()) {
            v = yaml.get(key);
        }
        return Optional.ofNullable(v).filter(s -> !s.isBlank());
    }

    /** The config file in use, if any. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    @Override
    public String defaultValue(ArgSpec spec) {
        if (!(spec instanceof OptionSpec option)) {
            return null;
        }
        String key = option.longestName().replaceFirst("^--", "");
        return setting(key).orElse(option.defaultValue());
    }

    static String envName(String key) {
        return ENV_NAMES.getOrDefault(key, "CHIMP_" + key.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    private static Optional<String> configArgument(String[] args) {
        List<String> list = List.of(args);
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).equals("--config") && i + 1 < list.size()) {
                return Optional.of(list.get(i + 1));
            }
            if (list.get(i).startsWith("--config=")) {
                return Optional.of(list.get(i).substring("--config=".length()));
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> readYaml(Path file) {
        try {
            Map<?, ?> raw = new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), Map.class);
            Map<String, String> out = new LinkedHashMap<>();
            if (raw != null) {
                raw.forEach((k, v) -> out.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
            }
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read config file " + file + ": " + e.getMessage(), e);
        }
    }
}
