package org.chimp.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Optional;
import org.chimp.server.ChimpCommand;
import org.chimp.store.S3Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ConfigSourceTest {
    @TempDir
    Path dir;

    @Command(name = "probe")
    static final class Probe implements Runnable {
        @Mixin
        NodeOptions options;

        @picocli.CommandLine.Option(names = "--port", defaultValue = "5252")
        int port;

        @Override
        public void run() {
        }
    }

    private Probe parse(Map<String, String> env, String... args) {
        Probe probe = new Probe();
        CommandLine cl = new CommandLine(probe);
        cl.setDefaultValueProvider(ConfigSource.load(args, env));
        cl.parseArgs(args);
        return probe;
    }

    @Test
    void commandLineBeatsEnvironmentBeatsYamlBeatsDefault() throws Exception {
        Path yaml = dir.resolve("c.yaml");
        Files.writeString(yaml, "port: 7000\ndata-dir: /from/yaml\nbroker: embedded\ndb: jdbc:h2:mem:yaml\n");
        Probe p = parse(Map.of("CHIMP_DATA_DIR", "/from/env", "CHIMP_DB_URL", "jdbc:h2:mem:env"),
                "--config", yaml.toString(), "--port", "8000");
        NodeOptions o = p.options;
        assertThat(p.port).isEqualTo(8000);
        assertThat(o.dataDir).isEqualTo(Path.of("/from/env"));
        assertThat(o.db).isEqualTo("jdbc:h2:mem:env");
        assertThat(o.broker).isEqualTo("embedded");

        Probe fromYaml = parse(Map.of(), "--config=" + yaml);
        assertThat(fromYaml.port).isEqualTo(7000);
        assertThat(fromYaml.options.dataDir).isEqualTo(Path.of("/from/yaml"));

        Probe defaults = parse(Map.of());
        assertThat(defaults.port).isEqualTo(5252);
        assertThat(defaults.options.dataDir).isEqualTo(Path.of("chimp-data"));
        assertThat(defaults.options.db).isNull();
    }

    @Test
    void s3OptionsComeFromTheEnvironmentOrTheCommandLine() throws Exception {
        Map<String, String> env = Map.of("CHIMP_STORE_URL", "s3://chimp-data/team", "CHIMP_S3_ENDPOINT", "http://127.0.0.1:9000",
                "CHIMP_S3_REGION", "eu-west-1", "CHIMP_S3_PATH_STYLE", "true");
        NodeOptions o = parse(env).options;
        var settings = o.settings(ConfigSource.load(new String[0], env), false);
        assertThat(settings.store()).isEqualTo("s3://chimp-data/team");
        assertThat(settings.s3()).isEqualTo(new S3Options(java.net.URI.create("http://127.0.0.1:9000"), "eu-west-1", true,
                S3Options.DEFAULT_PART_SIZE, 5));

        assertThat(parse(Map.of(), "--s3-path-style").options.settings(ConfigSource.load(new String[0], Map.of()), false).s3().pathStyle()).isTrue();
        assertThat(parse(env, "--s3-path-style=false").options.settings(ConfigSource.load(new String[0], env), false).s3().pathStyle()).isFalse();
        assertThat(parse(Map.of()).options.settings(ConfigSource.load(new String[0], Map.of()), false).s3()).isEqualTo(S3Options.defaults());
        NodeOptions bad = parse(Map.of("CHIMP_S3_PATH_STYLE", "yes")).options;
        assertThatThrownBy(() -> bad.settings(ConfigSource.load(new String[0], Map.of()), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CHIMP_S3_PATH_STYLE");
    }

    @Test
    void environmentNamesFollowTheDesign() {
        assertThat(ConfigSource.envName("db")).isEqualTo("CHIMP_DB_URL");
        assertThat(ConfigSource.envName("broker")).isEqualTo("CHIMP_BROKER_URL");
        assertThat(ConfigSource.envName("store")).isEqualTo("CHIMP_STORE_URL");
        assertThat(ConfigSource.envName("data-dir")).isEqualTo("CHIMP_DATA_DIR");
        assertThat(ConfigSource.envName("admin-token")).isEqualTo("CHIMP_ADMIN_TOKEN");
    }

    @Test
    void aNamedConfigFileMustExist() {
        assertThatThrownBy(() -> ConfigSource.load(new String[] {"--config", dir.resolve("missing.yaml").toString()}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.yaml");
    }

    @Test
    void adminTokenIsGeneratedOnceAndKeptPrivate() throws Exception {
        String first = AdminToken.resolve(Optional.empty(), dir).value();
        assertThat(first).hasSizeGreaterThanOrEqualTo(32);
        assertThat(AdminToken.resolve(Optional.empty(), dir).value()).isEqualTo(first);
        assertThat(Files.getPosixFilePermissions(dir.resolve("admin-token")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(AdminToken.resolve(Optional.of("configured-token-123456"), dir).value()).isEqualTo("configured-token-123456");
        assertThatThrownBy(() -> AdminToken.resolve(Optional.of("short"), dir)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aConfiguredAdminTokenIsNeverPrintedAGeneratedOneIs() throws Exception {
        AdminToken configured = AdminToken.resolve(Optional.of("configured-token-123456"), dir);
        assertThat(configured.notice()).doesNotContain("configured-token-123456").contains("not printed");
        AdminToken generated = AdminToken.resolve(Optional.empty(), dir);
        assertThat(generated.notice()).contains(generated.value()).contains("admin-token");
    }

    @Test
    void everyCommandHasHelp() {
        CommandLine cl = new CommandLine(new ChimpCommand());
        for (CommandLine sub : cl.getSubcommands().values()) {
            assertThat(sub.getUsageMessage()).as(sub.getCommandName()).isNotBlank();
        }
        assertThat(cl.getSubcommands()).containsKeys("standalone", "server", "worker", "sample-data");
        assertThat(cl.getSubcommands().get("worker").getUsageMessage()).contains("--queues", "--concurrency", "--broker", "--db");
        assertThat(cl.getSubcommands().get("server").getUsageMessage()).contains("--roles", "--broker", "--db");
        assertThat(cl.getSubcommands().get("standalone").getUsageMessage()).contains("--data-dir", "--db", "--port", "--no-worker");
    }
}
