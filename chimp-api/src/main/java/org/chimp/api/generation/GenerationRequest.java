package org.chimp.api.generation;

import org.chimp.api.error.ClientErrorException;

/**
 * A prompt and how to continue it. Temperature 0 is greedy decoding (deterministic); above 0 the next token is
 * sampled from the temperature-scaled distribution cut to its top-p nucleus, with a generator seeded by {@code seed}
 * (or, when it is null, by the run's seed), so the same request on the same model gives the same text.
 *
 * @param maxTokens   the most tokens to generate
 * @param temperature 0 (greedy) to {@value #MAX_TEMPERATURE}
 * @param topP        the probability mass sampled from, in (0, 1]
 * @param seed        the sampling seed, or null for the run's seed
 */
public record GenerationRequest(String prompt, int maxTokens, double temperature, double topP, Long seed) {
    /** The most characters a prompt may have. */
    public static final int MAX_PROMPT_CHARS = 32_000;
    /** The most tokens one request may ask for; a model may allow fewer (its context length). */
    public static final int MAX_TOKENS = 2048;
    public static final int DEFAULT_MAX_TOKENS = 64;
    public static final double MAX_TEMPERATURE = 5.0;

    public GenerationRequest {
        if (prompt == null || prompt.isEmpty()) {
            throw ClientErrorException.invalid("'prompt' must be a non-empty string");
        }
        if (prompt.length() > MAX_PROMPT_CHARS) {
            throw ClientErrorException.tooLarge("'prompt' has " + prompt.length() + " characters; at most " + MAX_PROMPT_CHARS
                    + " are allowed, so shorten it");
        }
        if (maxTokens < 1 || maxTokens > MAX_TOKENS) {
            throw ClientErrorException.invalid("'max_tokens' must be from 1 to " + MAX_TOKENS + ", got " + maxTokens);
        }
        if (!(temperature >= 0 && temperature <= MAX_TEMPERATURE)) {
            throw ClientErrorException.invalid("'temperature' must be from 0 (greedy) to " + MAX_TEMPERATURE + ", got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw ClientErrorException.invalid("'top_p' must be above 0 and at most 1, got " + topP);
        }
    }

    /** A prompt with the defaults: {@value #DEFAULT_MAX_TOKENS} tokens, temperature 1, top-p 1, the run's seed. */
    public static GenerationRequest of(String prompt) {
        return new GenerationRequest(prompt, DEFAULT_MAX_TOKENS, 1.0, 1.0, null);
    }

    /** Greedy decoding of at most {@code maxTokens} tokens. */
    public static GenerationRequest greedy(String prompt, int maxTokens) {
        return new GenerationRequest(prompt, maxTokens, 0.0, 1.0, null);
    }

    /** Whether the next token is always the most likely one. */
    public boolean isGreedy() {
        return temperature == 0;
    }

    /** The seed to sample with: the request's own, else the given one (the run's). */
    public long seedOr(long runSeed) {
        return seed != null ? seed : runSeed;
    }
}
