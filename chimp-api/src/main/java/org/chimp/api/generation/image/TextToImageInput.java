package org.chimp.api.generation.image;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.chimp.api.RecordDataType;
import org.chimp.api.error.ClientErrorException;

/**
 * A text-to-image request. The bounds here are the task's (what any architecture may be asked); a model narrows
 * them with its own configured limits (steps, size, guidance) before running anything. A field left out (null)
 * takes the model's configured default; a seed left out takes the run's seed.
 *
 * @param prompt         what to draw, 1 to {@value #MAX_PROMPT_CHARS} characters
 * @param negativePrompt what to steer away from (the unconditional side of classifier-free guidance); may be empty
 * @param seed           the noise seed, all 64 bits used: the same seed and request give the same image
 * @param steps          denoising steps, 1 to {@value #MAX_STEPS}
 * @param guidanceScale  classifier-free guidance scale, 0 to {@value #MAX_GUIDANCE}; 1 or less turns guidance off
 * @param width          image width in pixels, a multiple of 8 from 8 to {@value #MAX_SIDE}
 * @param height         image height in pixels, a multiple of 8 from 8 to {@value #MAX_SIDE}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TextToImageInput(String prompt,
                               @JsonProperty("negative_prompt") String negativePrompt,
                               Long seed, Integer steps,
                               @JsonProperty("guidance_scale") @JsonAlias("guidance") Double guidanceScale,
                               Integer width, Integer height) {
    /** The longest prompt the API takes; CLIP reads 77 tokens, so anything longer is cut by the tokenizer anyway. */
    public static final int MAX_PROMPT_CHARS = 2000;
    /** The scheduler's training steps: more inference steps than that mean nothing. */
    public static final int MAX_STEPS = 1000;
    public static final double MAX_GUIDANCE = 100;
    /** Images are made in latents of 1/8 the size. */
    public static final int SIZE_MULTIPLE = 8;
    public static final int MAX_SIDE = 4096;

    public static final TextToImageInputType TYPE = new TextToImageInputType(RecordDataType.of("text-to-image-input", TextToImageInput.class, """
            {"type": "object", "additionalProperties": false, "required": ["prompt"],
             "properties": {
               "prompt": {"type": "string", "minLength": 1, "maxLength": %d, "description": "what to draw"},
               "negative_prompt": {"type": "string", "maxLength": %d, "description": "what to avoid"},
               "seed": {"type": "integer", "description": "noise seed (64-bit); default: the run's seed"},
               "steps": {"type": "integer", "minimum": 1, "maximum": %d, "description": "denoising steps; default and maximum set by the model"},
               "guidance_scale": {"type": "number", "minimum": 0, "maximum": %s, "description": "classifier-free guidance; <= 1 turns it off"},
               "width": {"type": "integer", "minimum": 8, "maximum": %d, "multipleOf": 8},
               "height": {"type": "integer", "minimum": 8, "maximum": %d, "multipleOf": 8}},
             "examples": [{"prompt": "a lighthouse on a cliff at dawn, watercolor", "negative_prompt": "blurry",
                           "seed": 42, "steps": 20, "guidance_scale": 7.5}]}
            """.formatted(MAX_PROMPT_CHARS, MAX_PROMPT_CHARS, MAX_STEPS, MAX_GUIDANCE, MAX_SIDE, MAX_SIDE)));

    public TextToImageInput {
        if (prompt == null || prompt.isBlank()) {
            throw ClientErrorException.invalid("'prompt' is required: the text of the image to generate");
        }
        PromptText.check("prompt", prompt, MAX_PROMPT_CHARS);
        if (negativePrompt != null) {
            PromptText.check("negative_prompt", negativePrompt, MAX_PROMPT_CHARS);
        }
        Steps.check(steps, MAX_STEPS);
        if (guidanceScale != null && !(guidanceScale >= 0 && guidanceScale <= MAX_GUIDANCE)) {
            throw ClientErrorException.invalid("'guidance_scale' must be between 0 and " + MAX_GUIDANCE + ", got " + guidanceScale);
        }
        side("width", width);
        side("height", height);
    }

    /** A request with only a prompt and a seed; everything else is the model's default. */
    public static TextToImageInput of(String prompt, long seed) {
        return new TextToImageInput(prompt, null, seed, null, null, null, null);
    }

    private static void side(String field, Integer value) {
        if (value != null && (value < SIZE_MULTIPLE || value > MAX_SIDE || value % SIZE_MULTIPLE != 0)) {
            throw ClientErrorException.invalid("'" + field + "' must be a multiple of " + SIZE_MULTIPLE + " from " + SIZE_MULTIPLE
                    + " to " + MAX_SIDE + " pixels, got " + value);
        }
    }
}
