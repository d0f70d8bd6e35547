package org.chimp.training.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.chimp.api.error.ClientErrorException;
import org.chimp.db.TestDatabases;
import org.chimp.jobs.Job;
import org.chimp.jobs.JobSpec;
import org.chimp.jobs.JobRequest;
import org.chimp.store.DatasetVersion;
import org.chimp.training.imageclassifier.ImageClassifierPlugin;
import org.chimp.training.runner.PluginRegistry;
import org.chimp.training.runner.TrainingService;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Retraining triggers: new dataset versions with enough new files start one task each; bad triggers are refused. */
class TriggersTest {
    private final Map<String, List<DatasetVersion>> datasets = new HashMap<>();
    private final List<JobRequest> submitted = new ArrayList<>();

    private void upload(String name, long files) {
        List<DatasetVersion> vs = datasets.computeIfAbsent(name, n -> new ArrayList<>());
        vs.add(new DatasetVersion(name, vs.size() + 1, "sha256:" + vs.size(), files, files * 100, Map.of(), Instant.now()));
    }

    private DatasetVersion resolve(String ref) {
        String name = ref.contains("@") ? ref.substring(0, ref.indexOf('@')) : ref;
        List<DatasetVersion> vs = datasets.get(name);
        if (vs == null) {
            throw ClientErrorException.notFound("No dataset '" + name + "'");
        }
        return ref.contains("@") ? vs.get(Integer.parseInt(ref.substring(ref.indexOf('@') + 1)) - 1) : vs.get(vs.size() - 1);
    }

    private Triggers triggers(HikariDataSource ds) {
        TrainingService service = new TrainingService(new PluginRegistry(List.of(new ImageClassifierPlugin())), this::resolve, r -> {
            submitted.add(r);
            return Job.queued(new JobSpec("job-" + submitted.size(), r.queue(), r.type(), r.payload(), 3, 0, null, null,
                    Instant.now()));
        }, id -> Optional.empty());
        return new Triggers(ds, service, this::resolve);
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void aNewVersionWithEnoughNewFilesStartsOneTask(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            Triggers triggers = triggers(ds);
            upload("faces", 100);
            Trigger t = triggers.create("faces", "image-classifier", Map.of("epochs", "3"), null, 50);
            assertThat(t.seenVersion()).isEqualTo(1);
            assertThat(t.datasetKey()).isEqualTo("train");
            assertThat(triggers.check()).isEmpty(); // nothing new since the trigger was made

            upload("faces", 120); // 20 new files: not enough
            assertThat(triggers.check()).isEmpty();
            upload("faces", 160); // 60 more than the version last seen (v1)
            List<Job> started = triggers.check();
            assertThat(started).hasSize(1);
            assertThat(submitted.get(0).payload().get("datasets").get("train").asText()).isEqualTo("faces@3");
            assertThat(submitted.get(0).payload().get("arguments").get("epochs").asInt()).isEqualTo(3);
            assertThat(triggers.get(t.id()).lastTaskId()).isEqualTo(started.get(0).id());
            assertThat(triggers.get(t.id()).seenVersion()).isEqualTo(3);
            assertThat(triggers.check()).isEmpty(); // the same version does not start a second task

            // A trigger on a dataset not uploaded yet starts with its first version.
            Trigger early = triggers.create("later", "image-classifier", Map.of(), "train", 1);
            assertThat(early.seenVersion()).isZero();
            upload("later", 5);
            assertThat(triggers.check()).hasSize(1);
            assertThat(submitted.get(1).payload().get("datasets").get("train").asText()).isEqualTo("later@1");

            triggers.delete(t.id());
            assertThat(triggers.list()).extracting(Trigger::id).containsExactly(early.id());
        }
    }

    @ParameterizedTest
    @MethodSource("org.chimp.db.TestDatabases#both")
    void badTriggersAreRefusedAndNothingIsStored(TestDatabases.Kind kind) {
        try (HikariDataSource ds = kind.open()) {
            Triggers triggers = triggers(ds);
            assertStatus(400, () -> triggers.create("../etc", "image-classifier", Map.of(), null, 1));
            assertStatus(404, () -> triggers.create("faces", "no-such-plugin", Map.of(), null, 1));
            assertStatus(400, () -> triggers.create("faces", "image-classifier", Map.of("epochs", "many"), null, 1));
            assertStatus(400, () -> triggers.create("faces", "image-classifier", Map.of("unknown", "1"), null, 1));
            assertStatus(400, () -> triggers.create("faces", "image-classifier", Map.of(), "validation", 1));
            assertStatus(400, () -> triggers.create("faces", "image-classifier", Map.of(), null, 0));
            assertStatus(400, () -> triggers.create("x".repeat(300), "image-classifier", Map.of(), null, 1));
            assertThat(triggers.list()).isEmpty();
            assertStatus(404, () -> triggers.delete("nope"));
            assertStatus(404, () -> triggers.get("nope"));
        }
    }

    private static void assertStatus(int status, Runnable action) {
        assertThatThrownBy(action::run).isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(status));
    }
}
