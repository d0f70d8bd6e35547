package org.chimp.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** Every task publishes schemas whose input example is a valid {@code inputs} value and whose output example reads. */
class TaskSchemasTest {
    @Test
    void everyInputSchemaCarriesAnExampleTheInputTypeAccepts() {
        assertThat(Tasks.all()).isNotEmpty();
        for (Task<?, ?> task : Tasks.all()) {
            JsonNode schema = task.input().jsonSchemaWithExamples();
            assertThat(schema.path("examples").isArray()).as(task.id()).isTrue();
            JsonNode example = schema.path("examples").get(0);
            assertThat(task.input().fromJsonBatch(example, 1)).as(task.id()).hasSize(1);
            JsonNode output = task.output().jsonSchemaWithExamples().path("examples").get(0);
            assertThat(task.output().fromJson(output)).as(task.id()).isNotNull();
        }
    }

    @Test
    void aSchemaThatHasExamplesKeepsThem() {
        DataType<?> images = Tasks.IMAGE_CLASSIFICATION.input();
        assertThat(images.jsonSchemaWithExamples().path("oneOf").size()).isEqualTo(2);
        assertThat(images.jsonSchema().has("examples")).isFalse();
    }
}
