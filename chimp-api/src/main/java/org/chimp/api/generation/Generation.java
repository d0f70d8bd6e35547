package org.chimp.api.generation;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * Generated text (the continuation only, without the prompt).
 *
 * @param tokens       how many tokens were generated
 * @param finishReason why generation stopped
 */
public record Generation(String text, int tokens, @JsonProperty("finish_reason") FinishReason finishReason) {
    public Generation {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(finishReason, "finishReason");
    }

    /** Why generation stopped; the JSON form is the lower-case name. */
    public enum FinishReason {
        /** The model emitted its end-of-sequence token. */
        @JsonProperty("eos") EOS,
        /** {@code max_tokens} were generated. */
        @JsonProperty("length") LENGTH,
        /** The model's context window is full. */
        @JsonProperty("context") CONTEXT,
        /** The run was cancelled. */
        @JsonProperty("cancelled") CANCELLED
    }
}
