package org.chimp.training.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.TestDatabases;
import org.chimp.jobs.Job;
import org.chimp.jobs.JobSpec;
import org.chimp.jobs.JobStatus;
import org.chimp.jobs.JobOutcome;
import org.chimp.jobs.JobContext;
import org.chimp.store.ArtifactStore;
import org.chimp.store.DatasetStore;
import org.chimp.store.FileBlobStore;
import org.chimp.store.UploadLimits;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.training.imageclassifier.ImageClassifierPlugin;
import org.chimp.training.sample.SyntheticFaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example plugin project of docs/plugins.md (examples/label-counter-plugin), compiled and packaged here as its
 * author would, dropped into a plugins folder: found without a restart, run as a task, gone when its jar is removed.
 */
class PluginsFolderTest {
    private static final Path EXAMPLE = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."))
            .resolve("examples/label-counter-plugin");

    @TempDir
    Path tmp;

    /** Compiles the example's sources against this class path and jars them with their service file. */
    private Path buildExample() throws Exception {
        Path src = EXAMPLE.resolve("src/main/java");
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        List<String> sources;
        try (Stream<Path> s = Files.walk(src)) {
            sources = s.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new java.util.ArrayList<>(List.of("-d", classes.toString(), "-classpath", System.getProperty("java.class.path"),
                "--release", "17"));
        args.addAll(sources);
        assertThat(javac.run(null, null, null, args.toArray(String[]::new))).as("the example compiles").isZero();
        Path jar = tmp.resolve("label-counter-plugin-1.0.0.jar");
        Path resources = EXAMPLE.resolve("src/main/resources");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            for (Path root : List.of(classes, resources)) {
                try (Stream<Path> s = Files.walk(root)) {
                    for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                        j.putNextEntry(new JarEntry(root.relativize(f).toString().replace('\\', '/')));
                        Files.copy(f, j);
                        j.closeEntry();
                    }
                }
            }
        }
        return jar;
    }

    @Test
    void aJarDroppedInThePluginsFolderIsPickedUpWithoutARestart() throws Exception {
        Path jar = buildExample();
        Path folder = Files.createDirectories(tmp.resolve("plugins"));
        PluginRegistry plugins = PluginRegistry.load(getClass().getClassLoader(), folder, 0);
        assertThat(plugins.names()).doesNotContain("label-counter");

        Files.copy(jar, folder.resolve(jar.getFileName()));
        Files.writeString(folder.resolve("broken.jar"), "not a jar"); // skipped, does not hide the others
        assertThat(plugins.names()).contains("label-counter", ImageClassifierPlugin.NAME);

        try (HikariDataSource ds = TestDatabases.h2()) {
            FileBlobStore blobs = new FileBlobStore(tmp.resolve("blobs"));
            DatasetStore datasets = new DatasetStore(ds, blobs, UploadLimits.defaults());
            TrackingStore tracking = new TrackingStore(ds, blobs);
            ModelRegistry registry = new ModelRegistry(ds, new ArtifactStore(blobs, tmp.resolve("cache")));
            TrainingService service = new TrainingService(plugins, datasets::resolve, r -> null, id -> Optional.empty());
            Path zip = tmp.resolve("faces.zip");
            SyntheticFaces.writeZip(zip, 3, 1, 1);
            try (InputStream in = Files.newInputStream(zip)) {
                datasets.upload("faces", in);
            }
            assertThatThrownBy(() -> service.payload("label-counter", Map.of("split", "validation"), "{\"data\": \"faces\"}"))
                    .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(400));
            var payload = service.payload("label-counter", Map.of(), "{\"data\": \"faces\"}");
            Job job = new Job(new JobSpec(UUID.randomUUID().toString(), "training", "training", payload, 3, 0, null, null,
                    Instant.now()), JobStatus.running(1, null, Instant.now()), JobOutcome.NONE);
            JsonNode result = new TrainingJobHandler(plugins, datasets, tracking, registry, tmp.resolve("work")).handle(new JobContext() {
                @Override
                public Job job() {
                    return job;
                }

                @Override
                public void progress(double fraction, String message) {
                }

                @Override
                public boolean cancelled() {
                    return false;
                }
            });
            assertThat(result.get("metrics").get("images_happy").asInt()).isEqualTo(3);
            assertThat(result.get("metrics").get("largest_label_share").asDouble()).isEqualTo(0.2);
            assertThat(tracking.getRun(result.get("run_id").asText()).metrics()).isNotEmpty();
        }

        Files.delete(folder.resolve(jar.getFileName()));
        assertThat(plugins.names()).doesNotContain("label-counter").contains(ImageClassifierPlugin.NAME);
        assertThatThrownBy(() -> plugins.find("label-counter")).isInstanceOfSatisfying(ClientErrorException.class,
                e -> assertThat(e.status()).isEqualTo(404));
    }
}
