package org.chimp.jobs.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** receive.lua's replies, made by hand as Lettuce returns them (integers as Long, strings as String). */
class ReceiveReplyTest {
    @Test
    void decodesTheHeaderAndEachEntry() {
        List<Object> reply = List.of(2L, 1500L, List.of("0-0", "17-2"),
                2L, "1-1", "job-a", 0L, 1L,
                1L, "2-0", "job-b", 3L, 2L);
        ReceiveReply r = ReceiveReply.decode(reply, 2);
        assertThat(r.nextDueMillis()).isEqualTo(1500);
        assertThat(r.cursors()).containsExactly("0-0", "17-2");
        assertThat(r.entries()).containsExactly(
                new ReceiveReply.Entry(1, "1-1", "job-a", 0, 1),
                new ReceiveReply.Entry(0, "2-0", "job-b", 3, 2));
        assertThat(r.entries().get(1).deliveryCount()).isEqualTo(5);
    }

    @Test
    void anEmptyReplyHasNoEntries() {
        ReceiveReply r = ReceiveReply.decode(List.of(0L, -1L, List.of("0-0")), 1);
        assertThat(r.entries()).isEmpty();
        assertThat(r.nextDueMillis()).isEqualTo(-1);
    }

    @Test
    void malformedRepliesAreNamedNotCastErrors() {
        assertThatThrownBy(() -> ReceiveReply.decode(List.of(0L), 1)).hasMessageContaining("fewer than 3");
        assertThatThrownBy(() -> ReceiveReply.decode(null, 1)).hasMessageContaining("fewer than 3");
        assertThatThrownBy(() -> ReceiveReply.decode(List.of(1L, -1L, List.of("0-0")), 1))
                .hasMessageContaining("count 1 does not match 3 elements");
        assertThatThrownBy(() -> ReceiveReply.decode(List.of(-1L, -1L, List.of("0-0")), 1))
                .hasMessageContaining("count -1");
        assertThatThrownBy(() -> ReceiveReply.decode(List.of(0L, -1L, "0-0"), 1)).hasMessageContaining("cursors");
        assertThatThrownBy(() -> ReceiveReply.decode(List.of(0L, -1L, List.of("0-0")), 2)).hasMessageContaining("cursors");
        assertThatThrownBy(() -> ReceiveReply.decode(List.of("x", -1L, List.of("0-0")), 1))
                .hasMessageContaining("count that is not a number: 'x'");
        assertThatThrownBy(() -> ReceiveReply.decode(List.of(1L, -1L, List.of("0-0"), 2L, "1-1", "j", 0L, 1L), 1))
                .hasMessageContaining("stream index 2 out of 1-1");
        assertThatThrownBy(() -> ReceiveReply.decode(List.of(1L, -1L, List.of("0-0"), 0L, "1-1", "j", 0L, 1L), 1))
                .hasMessageContaining("stream index 0");
        assertThatThrownBy(() -> ReceiveReply.decode(Arrays.asList(1L, -1L, List.of("0-0"), 1L, "1-1", null, 0L, 1L), 1))
                .hasMessageContaining("job id is not a string");
        assertThatThrownBy(() -> ReceiveReply.decode(List.of(1L, -1L, List.of("0-0"), 1L, 11L, "j", 0L, 1L), 1))
                .hasMessageContaining("entry id is not a string");
    }

    @Test
    void aHugeMalformedReplyIsShownShortened() {
        List<Object> reply = List.of(9L, -1L, List.of("x".repeat(1000)));
        assertThatThrownBy(() -> ReceiveReply.decode(reply, 1)).hasMessageEndingWith("...");
    }
}
