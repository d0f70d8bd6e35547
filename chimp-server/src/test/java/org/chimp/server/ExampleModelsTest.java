package org.chimp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.server.CommandRun.chimp;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.chimp.api.Tasks;
import org.chimp.server.ApiClient.Reply;
import org.chimp.server.examples.ExampleModels;
import org.chimp.server.examples.ExampleModels.Outcome;
import org.chimp.server.node.Role;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.tracking.registry.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code chimp standalone --examples} and {@code chimp models add-examples}: every task answers out of the box. */
class ExampleModelsTest {
    private static final String TOKEN = "example-models-token-0123456789";

    @TempDir
    Path dir;

    @Test
    void everyTaskAnswersItsSchemaExampleAndARestartAddsNoVersion() throws Exception {
        try (StandaloneFixture chimp = StandaloneFixture.start(dir, TOKEN)) {
            List<Outcome> first = ExampleModels.registerInProcess(chimp.node().services());
            assertThat(first).extracting(Outcome::name).containsExactlyInAnyOrderElementsOf(Tasks.all().stream().map(t -> t.id()).toList());
            assertThat(first).allMatch(Outcome::added);
            answersEveryTask(chimp.api());
        }
        try (StandaloneFixture again = StandaloneFixture.start(dir, TOKEN)) {
            List<Outcome> second = ExampleModels.registerInProcess(again.node().services());
            assertThat(second).noneMatch(Outcome::added).allMatch(o -> o.version() == 1);
            ModelRegistry registry = again.node().services().registry();
            for (Outcome o : second) {
                assertThat(registry.versions(o.name(), 100, 0)).as(o.name()).hasSize(1);
            }
            Reply r = again.api().postJson("/model/game-move/infer", Map.of("inputs", Tasks.GAME_MOVE.input().example()));
            assertThat(r.status()).as(r.text()).isEqualTo(200);
        }
    }

    @Test
    void addExamplesRegistersOverHttpOnceAndKeepsWhatIsInProduction() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("admin-token"), TOKEN + "\n");
        try (StandaloneFixture chimp = StandaloneFixture.start(dir, TOKEN)) {
            String url = "http://127.0.0.1:" + chimp.node().port(Role.TRACKING);
            CommandRun added = chimp("models", "--url", url, "--data-dir", data.toString(), "add-examples");
            assertThat(added.code()).as(added.err()).isZero();
            assertThat(added.out()).contains("text-embedding").contains("registered and put in Production");
            ModelRegistry registry = chimp.node().services().registry();
            for (var task : Tasks.all()) {
                assertThat(registry.latest(task.id(), Stage.PRODUCTION)).as(task.id()).isPresent();
            }
            Reply embedded = chimp.api().postJson("/model/text-embedding/infer", Map.of("inputs", "a cat on a mat"));
            assertThat(embedded.status()).as(embedded.text()).isEqualTo(200);
            assertThat(embedded.json().path("predictions").path("embeddings").path(0).size()).as(embedded.text()).isEqualTo(384);

            CommandRun kept = chimp("models", "--url", url, "--data-dir", data.toString(), "add-examples");
            assertThat(kept.code()).as(kept.err()).isZero();
            assertThat(kept.out()).doesNotContain("registered and put in Production").contains("already in Production, kept");
            assertThat(registry.versions("text-embedding", 100, 0)).hasSize(1);
        }
    }

    /** GET /tasks gives each task's input example; the model named after the task answers it. */
    private static void answersEveryTask(ApiClient api) throws Exception {
        Reply tasks = api.get("/tasks");
        assertThat(tasks.status()).as(tasks.text()).isEqualTo(200);
        List<String> answered = new ArrayList<>();
        for (JsonNode task : tasks.json().path("tasks")) {
            String id = task.path("id").asText();
            JsonNode example = task.path("input").path("schema").path("examples").path(0);
            assertThat(example.isMissingNode()).as(id + " has an example").isFalse();
            Reply r = api.postJson("/model/" + id + "/infer", Map.of("inputs", example));
            assertThat(r.status()).as(id + ": " + r.text()).isEqualTo(200);
            assertThat(r.json().path("predictions").isMissingNode()).as(id + ": " + r.text()).isFalse();
            answered.add(id);
        }
        assertThat(answered).containsAll(Tasks.all().stream().map(t -> t.id()).toList());
    }
}
