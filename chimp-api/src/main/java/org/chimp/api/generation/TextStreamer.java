package org.chimp.api.generation;

import java.util.function.Consumer;
import org.chimp.api.Model;
import org.chimp.api.RunContext;

/**
 * A text-generation model that can hand out its text while generating, so a server can stream it (SSE) without
 * knowing the architecture: serving checks {@code model instanceof TextStreamer}.
 */
public interface TextStreamer extends Model<GenerationRequest, Generation> {
    /**
     * Generates like {@link #run}, passing each piece of text to {@code onText} as soon as it is complete (never
     * half a character); the pieces joined are the returned {@link Generation#text()}. {@code onText} runs on the
     * generating thread, so a slow consumer slows generation rather than piling up text.
     */
    Generation generate(GenerationRequest input, RunContext ctx, Consumer<String> onText);

    @Override
    default Generation run(GenerationRequest input, RunContext ctx) {
        return generate(input, ctx, piece -> { });
    }
}
