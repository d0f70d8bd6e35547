package org.chimp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.chimp.api.error.ClientErrorException;
import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void ordinaryNamesPass() {
        assertThat(Names.modelName("emotion")).isEqualTo("emotion");
        assertThat(Names.modelName("Émotion v2 (personal)")).isEqualTo("Émotion v2 (personal)");
        assertThat(Names.experimentName("/Users/me/faces run")).isEqualTo("/Users/me/faces run");
        assertThat(Names.datasetName("faces-2026.v1")).isEqualTo("faces-2026.v1");
        assertThat(Names.label("happy")).isEqualTo("happy");
        assertThat(Names.user("alice@example.org")).isEqualTo("alice@example.org");
    }

    @Test
    void traversalAndSeparatorsAreRefusedInNamesThatBecomePaths() {
        for (String bad : new String[] {"../../etc", "a/b", "a\\b", "..", ".", ".hidden"}) {
            assertThatThrownBy(() -> Names.modelName(bad)).isInstanceOf(ClientErrorException.class)
                    .hasMessageContaining("model name");
            assertThatThrownBy(() -> Names.datasetName(bad)).isInstanceOf(ClientErrorException.class);
            assertThatThrownBy(() -> Names.label(bad)).isInstanceOf(ClientErrorException.class);
        }
    }

    @Test
    void overLongNamesAreRefusedWithoutEchoingThem() {
        String huge = "x".repeat(100_000);
        assertThatThrownBy(() -> Names.experimentName(huge)).isInstanceOf(ClientErrorException.class)
                .hasMessageContaining("100000 characters long").hasMessageContaining("at most 500");
        assertThat(Names.experimentName("x".repeat(500))).hasSize(500);
        assertThatThrownBy(() -> Names.label("a".repeat(Names.LABEL_MAX + 1))).isInstanceOf(ClientErrorException.class);
    }

    @Test
    void controlCharactersInvalidUtf8AndPaddingAreRefused() {
        for (String bad : new String[] {"a\u0000b", "line\nbreak", "bad\uFFFDutf8", " padded", "padded ", "", "zero\u200Bwidth", "lone\uD800"}) {
            assertThatThrownBy(() -> Names.modelName(bad)).as(bad).isInstanceOf(ClientErrorException.class);
            assertThatThrownBy(() -> Names.experimentName(bad)).as(bad).isInstanceOf(ClientErrorException.class);
        }
        assertThatThrownBy(() -> Names.modelName(null)).hasMessageContaining("required");
        assertThat(Names.experimentName("emoji \uD83D\uDE00 ok")).isNotNull();
    }
}
