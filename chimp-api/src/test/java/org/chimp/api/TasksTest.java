package org.chimp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class TasksTest {
    @Test
    void byIdFindsKnownTask() {
        assertThat(Tasks.byId("image-classification")).isSameAs(Tasks.IMAGE_CLASSIFICATION);
        assertThat(Tasks.all()).contains(Tasks.IMAGE_CLASSIFICATION);
        assertThat(Tasks.IMAGE_CLASSIFICATION.input().id()).isEqualTo("image");
        assertThat(Tasks.IMAGE_CLASSIFICATION.output().id()).isEqualTo("classification");
    }

    @Test
    void everyTaskIsFoundByIdAndItsInputSchemaExampleIsAValidInput() {
        for (Task<?, ?> task : Tasks.all()) {
            assertThat(Tasks.byId(task.id())).isSameAs(task);
            JsonNode examples = task.input().jsonSchema().get("examples");
            assertThat(examples).as(task.id() + " input schema examples").isNotNull().isNotEmpty();
            for (JsonNode example : examples) {
                assertThat(task.input().fromJson(example)).as(task.id() + " example " + example).isNotNull();
            }
        }
    }

    @Test
    void byIdRejectsUnknownListingKnown() {
        assertInvalid(() -> Tasks.byId("speech-to-text")).contains("'speech-to-text'", "known tasks: image-classification",
                "text-embedding", "text-generation");
    }
}
