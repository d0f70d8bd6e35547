package org.chimp.models.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import org.chimp.api.error.ClientErrorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxSessionsTest {
    @TempDir
    Path dir;

    @Test
    void aModelThatDoesNotFitClosesItsSessionAndOneThatFitsKeepsIt() throws Exception {
        Path file = Files.write(dir.resolve("m.onnx"), TinyOnnx.flat(TinyOnnx.weights(2, 1f, new int[] {0}, new int[] {1}),
                new float[] {0f, 0f}, false, 0));
        OrtSession[] opened = new OrtSession[1];

        ClientErrorException misfit = ClientErrorException.invalid("The model has the wrong inputs");
        assertThatThrownBy(() -> OnnxSessions.openAndFit(file, "The ONNX model", session -> {
            opened[0] = session;
            throw misfit;
        })).isSameAs(misfit);
        assertThatThrownBy(() -> opened[0].getInputInfo()).as("closed").isInstanceOf(IllegalStateException.class);

        assertThatThrownBy(() -> OnnxSessions.openAndFit(file, "The image encoder", session -> {
            opened[0] = session;
            throw new OrtException(OrtException.OrtErrorCode.ORT_INVALID_GRAPH, "unreadable");
        })).isInstanceOfSatisfying(ClientErrorException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).isEqualTo("The image encoder's inputs and outputs could not be read (ORT_INVALID_GRAPH)");
        });
        assertThatThrownBy(() -> opened[0].getInputInfo()).as("closed").isInstanceOf(IllegalStateException.class);

        OrtSession kept = OnnxSessions.openAndFit(file, "The ONNX model", session -> session);
        try {
            assertThat(kept.getInputInfo()).hasSize(1);
        } finally {
            OnnxSessions.close(kept);
        }
    }
}
