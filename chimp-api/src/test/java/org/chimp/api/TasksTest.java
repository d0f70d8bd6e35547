package org.chimp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.api.error.ClientErrors.assertInvalid;

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
    void byIdRejectsUnknownListingKnown() {
        assertInvalid(() -> Tasks.byId("text-generation")).contains("'text-generation'", "known tasks: image-classification");
    }
}
