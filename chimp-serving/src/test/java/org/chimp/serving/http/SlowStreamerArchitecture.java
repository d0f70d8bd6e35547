package org.chimp.serving.http;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.chimp.api.Architecture;
import org.chimp.api.ArtifactResolver;
import org.chimp.api.ModelConfig;
import org.chimp.api.RunContext;
import org.chimp.api.Task;
import org.chimp.api.Tasks;
import org.chimp.api.generation.Generation;
import org.chimp.api.generation.GenerationRequest;
import org.chimp.api.generation.TextStreamer;
import org.chimp.api.param.ParameterSpec;

/**
 * A text generator that never ends by itself (it says "tick " until cancelled, up to a safety bound), so a test can
 * see that a client going away stops it: {@link #stopped} completes with how the last run ended.
 */
public final class SlowStreamerArchitecture implements Architecture<GenerationRequest, Generation> {
    static volatile CompletableFuture<Generation.FinishReason> stopped = new CompletableFuture<>();
    private static final int SAFETY_BOUND = 20_000;

    @Override
    public String name() {
        return "test-slow-streamer";
    }

    @Override
    public Task<GenerationRequest, Generation> task() {
        return Tasks.TEXT_GENERATION;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of();
    }

    @Override
    public List<String> requiredArtifacts() {
        return List.of();
    }

    @Override
    public TextStreamer build(ModelConfig config, ArtifactResolver artifacts) {
        return new TextStreamer() {
            @Override
            public Generation generate(GenerationRequest input, RunContext ctx, Consumer<String> onText) {
                StringBuilder text = new StringBuilder();
                for (int i = 0; i < SAFETY_BOUND; i++) {
                    if (ctx.cancelled().getAsBoolean()) {
                        stopped.complete(Generation.FinishReason.CANCELLED);
                        return new Generation(text.toString(), i, Generation.FinishReason.CANCELLED);
                    }
                    onText.accept("tick ");
                    text.append("tick ");
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                stopped.complete(Generation.FinishReason.LENGTH);
                return new Generation(text.toString(), SAFETY_BOUND, Generation.FinishReason.LENGTH);
            }

            @Override
            public void close() {
            }
        };
    }
}
