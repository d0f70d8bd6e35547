package org.chimp.emotion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.chimp.jobs.Job;
import org.chimp.jobs.JobSpec;
import org.chimp.jobs.JobStatus;
import org.chimp.jobs.JobOutcome;
import org.chimp.jobs.JobContext;
import org.chimp.store.DatasetStore;
import org.chimp.training.runner.TrainingJobHandler;

/** Datasets zipped and uploaded, and training tasks run in this thread, for plugin tests. */
public final class TestTasks {
    private TestTasks() {
    }

    public static Path zip(Path dir, Path out) throws Exception {
        try (OutputStream os = Files.newOutputStream(out); ZipOutputStream z = new ZipOutputStream(os);
             Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                z.putNextEntry(new ZipEntry(dir.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, z);
                z.closeEntry();
            }
        }
        return out;
    }

    public static void upload(DatasetStore datasets, String name, Path zip) throws Exception {
        try (InputStream in = Files.newInputStream(zip)) {
            datasets.upload(name, in);
        }
    }

    public static JsonNode run(TrainingJobHandler handler, ObjectNode payload) throws Exception {
        Job job = new Job(new JobSpec(UUID.randomUUID().toString(), "training", "training", payload, 3, 0, null, null,
                Instant.now()), JobStatus.running(1, null, Instant.now()), JobOutcome.NONE);
        return handler.handle(new JobContext() {
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
    }
}
