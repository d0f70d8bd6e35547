package org.chimp.jobs.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RedisReceiptTest {
    @Test
    void decodesWhatItEncodes() {
        RedisReceipt r = new RedisReceipt(9, 3, "1700000000000-12", "chimp-5b0c9c9e-1d7a-4a43-9d4b-3f1f8d3c8b11");
        assertThat(RedisReceipt.decode(r.encode())).isEqualTo(r);
    }

    @Test
    void refusesFieldsThatCouldNotBeDecodedBack() {
        assertThatThrownBy(() -> new RedisReceipt(0, 1, "1-1", "a/b")).hasMessageContaining("consumer");
        assertThatThrownBy(() -> new RedisReceipt(0, 1, "1 1", "c")).hasMessageContaining("entry id");
        assertThatThrownBy(() -> new RedisReceipt(10, 1, "1-1", "c")).hasMessageContaining("level");
        assertThatThrownBy(() -> new RedisReceipt(0, 0, "1-1", "c")).hasMessageContaining("at least once");
    }

    @Test
    void refusesWhatIsNotAReceipt() {
        for (String bad : new String[] {null, "", "1 1-1 c 1", "1/1/1-1", "1/1/1-1/c/d", "x/1/1-1/c",
                "1/99999999999999999999/1-1/c", "1/1/1-1/" + "c".repeat(300), "1/1/not-an-id/c"}) {
            assertThatThrownBy(() -> RedisReceipt.decode(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
