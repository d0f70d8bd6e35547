package org.chimp.web.emotion.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.chimp.api.Names;
import org.junit.jupiter.api.Test;

/** The rules the emotion page applies to names and origins, without a server. */
class EmotionNamesTest {
    @Test
    void everyUserNameGivesAValidCalibrationDatasetOfItsOwn() {
        assertThat(PageSettings.calibrationDataset("alice")).isEqualTo("calibration-alice");
        assertThat(PageSettings.calibrationDataset("Alice")).as("user names are unique without regard to case").isEqualTo("calibration-alice");
        List<String> users = List.of("bob@example.org", "bob_example.org", "x".repeat(64), "x".repeat(63) + "y", "a.b-c_d");
        List<String> names = users.stream().map(PageSettings::calibrationDataset).toList();
        names.forEach(Names::datasetName);
        assertThat(names).doesNotHaveDuplicates();
        users.forEach(Names::user);
    }

    @Test
    void onlyThisServersOwnPagesMayOpenTheSocket() {
        assertThat(LiveFaces.sameOrigin("http://127.0.0.1:5252", "127.0.0.1:5252")).isTrue();
        assertThat(LiveFaces.sameOrigin("https://chimp.example", "chimp.example")).isTrue();
        assertThat(LiveFaces.sameOrigin("https://chimp.example", "chimp.example:443")).isTrue();
        assertThat(LiveFaces.sameOrigin("http://CHIMP.example", "chimp.example")).isTrue();
        assertThat(LiveFaces.sameOrigin("http://evil.example", "chimp.example")).isFalse();
        assertThat(LiveFaces.sameOrigin("http://chimp.example.evil.example", "chimp.example")).isFalse();
        assertThat(LiveFaces.sameOrigin("http://127.0.0.1:5253", "127.0.0.1:5252")).as("another port").isFalse();
        assertThat(LiveFaces.sameOrigin("null", "chimp.example")).as("a sandboxed page or file").isFalse();
        assertThat(LiveFaces.sameOrigin(null, "chimp.example")).isFalse();
        assertThat(LiveFaces.sameOrigin("http://chimp.example", null)).isFalse();
        assertThat(LiveFaces.sameOrigin("http://chimp.example/path", "chimp.example")).as("an origin has no path").isFalse();
        assertThat(LiveFaces.sameOrigin("http://a b", "chimp.example")).isFalse();
        assertThat(LiveFaces.sameOrigin("http://chimp.example", "chimp.example/../x")).isFalse();
    }
}
