package org.chimp.models.diffusion;

/**
 * One fully resolved request to the pipeline: defaults filled in and checked against the model's limits.
 *
 * @param prompt         the text to draw, or null for an unconditional model
 * @param negativePrompt the unconditional side of guidance ("" for none)
 * @param guidance       classifier-free guidance scale; at most 1 means a single conditional pass
 */
record Generation(String prompt, String negativePrompt, long seed, int steps, double guidance, int width, int height) {
    /** Guidance needs a second (unconditional) pass per step only when it amplifies: diffusers' rule. */
    boolean guided() {
        return prompt != null && guidance > 1;
    }
}
