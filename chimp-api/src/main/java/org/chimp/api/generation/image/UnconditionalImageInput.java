package org.chimp.api.generation.image;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.chimp.api.RecordDataType;

/**
 * An unconditional image request: only the noise seed and the number of steps; the model fixes the image size.
 *
 * @param seed  the noise seed (64-bit); null takes the run's seed
 * @param steps denoising steps, 1 to {@value TextToImageInput#MAX_STEPS}; null takes the model's default
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UnconditionalImageInput(Long seed, Integer steps) {
    public static final UnconditionalImageInputType TYPE = new UnconditionalImageInputType(RecordDataType.of("unconditional-image-input",
            UnconditionalImageInput.class, """
            {"type": "object", "additionalProperties": false,
             "properties": {
               "seed": {"type": "integer", "description": "noise seed (64-bit); default: the run's seed"},
               "steps": {"type": "integer", "minimum": 1, "maximum": %d, "description": "denoising steps; default and maximum set by the model"}},
             "examples": [{"seed": 7, "steps": 20}]}
            """.formatted(TextToImageInput.MAX_STEPS)));

    public UnconditionalImageInput {
        Steps.check(steps, TextToImageInput.MAX_STEPS);
    }
}
