package org.chimp.training.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.chimp.api.error.ClientErrorException;
import org.chimp.training.imageclassifier.ImageClassifierPlugin;
import org.junit.jupiter.api.Test;

class PluginRegistryTest {
    @Test
    void findsTheBuiltInPluginThroughServiceLoader() {
        PluginRegistry registry = PluginRegistry.load(getClass().getClassLoader());
        assertThat(registry.names()).contains("image-classifier");
        assertThat(registry.find("image-classifier")).isInstanceOf(ImageClassifierPlugin.class);
    }

    @Test
    void unknownPluginIsA404ListingTheKnownOnes() {
        PluginRegistry registry = new PluginRegistry(List.of(new ImageClassifierPlugin()));
        assertThatThrownBy(() -> registry.find("nope"))
                .isInstanceOfSatisfying(ClientErrorException.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageContaining("'nope'").hasMessageContaining("image-classifier");
    }

    @Test
    void twoPluginsWithOneNameAreRejected() {
        assertThatThrownBy(() -> new PluginRegistry(List.of(new ImageClassifierPlugin(), new ImageClassifierPlugin())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("image-classifier");
    }
}
