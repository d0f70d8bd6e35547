package org.chimp.chain.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.chimp.api.error.ClientErrorException;
import org.chimp.chain.OracleCalls.ChainModel;
import org.chimp.chain.sequencer.ModelFailure;
import org.junit.jupiter.api.Test;

/** Tasks other than the two built-in ones run through the byte runner (their data types' byte forms), or fail on chain. */
class ChainTasksTest {
    private static ChainModel model(String task) {
        return new ChainModel(BigInteger.ONE, "m", task, new byte[32], ModelRef.version("t2i", 3).uri(), BigInteger.ZERO, true);
    }

    @Test
    void otherTasksRunThroughTheByteRunnerWithTheirModelReference() throws Exception {
        ChainTasks tasks = new ChainTasks((ref, image, seed) -> null, (task, ref, input, seed) ->
                (task + " " + ref.name() + "@" + ref.version() + " " + new String(input, StandardCharsets.UTF_8) + " " + seed)
                        .getBytes(StandardCharsets.UTF_8));
        byte[] out = tasks.run(model("text-to-image"), "a red fox".getBytes(StandardCharsets.UTF_8), BigInteger.valueOf(42));
        assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo("text-to-image t2i@3 a red fox 42");
    }

    @Test
    void inputsTheRunnerRefusesFailTheJobAndWithoutARunnerOtherTasksFail() {
        ChainTasks refusing = new ChainTasks((ref, image, seed) -> null, (task, ref, input, seed) -> {
            throw ClientErrorException.invalid("The prompt is not valid UTF-8");
        });
        assertThatThrownBy(() -> refusing.run(model("text-to-image"), new byte[] {(byte) 0xC3}, BigInteger.ONE))
                .isInstanceOf(ModelFailure.class).hasMessageContaining("not valid UTF-8");
        assertThatThrownBy(() -> new ChainTasks((ref, image, seed) -> null).run(model("text-to-image"), new byte[0], BigInteger.ONE))
                .isInstanceOf(ModelFailure.class).hasMessageContaining("cannot be run on chain");
    }
}
