package org.chimp.models.diffusion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.generation.image.TextToImageInput;
import org.chimp.api.generation.image.UnconditionalImageInput;
import org.chimp.api.param.ParameterSpec;
import org.chimp.api.param.ParameterType;

/**
 * A diffusion model's configured defaults and limits, read from its validated config parameters; every request is
 * resolved and checked here before the pipeline runs anything. The defaults are Stable Diffusion 1.x's.
 *
 * @param text null for an unconditional model
 */
record DiffusionSettings(int width, int height, int defaultSteps, int maxSteps, int maxSize, int sizeMultiple,
                         double latentScale, int latentFactor, NoiseSchedule schedule, String scheduler, TextSettings text) {

    /**
     * The text side: guidance and prompt limits.
     *
     * @param maxPromptChars the longest prompt (and negative prompt) this model takes
     * @param padToken       the token that fills the 77 positions after the end token (SD 1.x: the end token)
     */
    record TextSettings(double defaultGuidance, double minGuidance, double maxGuidance, int maxPromptChars, String padToken) {
    }

    /** The parameters both architectures declare. */
    static final List<ParameterSpec> COMMON = List.of(
            ParameterSpec.optional("width", ParameterType.INTEGER, "image width when a request gives none (unconditional: always)", IntNode.valueOf(512)).between(8.0, 4096.0),
            ParameterSpec.optional("height", ParameterType.INTEGER, "image height when a request gives none (unconditional: always)", IntNode.valueOf(512)).between(8.0, 4096.0),
            ParameterSpec.optional("default_steps", ParameterType.INTEGER, "denoising steps when a request gives none", IntNode.valueOf(25)).between(1.0, 1000.0),
            ParameterSpec.optional("max_steps", ParameterType.INTEGER, "the most steps a request may ask for", IntNode.valueOf(100)).between(1.0, 1000.0),
            ParameterSpec.optional("max_size", ParameterType.INTEGER, "the longest image side a request may ask for", IntNode.valueOf(1024)).between(8.0, 4096.0),
            // 64, not 8: SD's UNet halves the latents three times and its traced ONNX export cannot pad odd sizes.
            ParameterSpec.optional("size_multiple", ParameterType.INTEGER, "image sides must be multiples of this: 64 for Stable Diffusion's exported UNet, 8 at least", IntNode.valueOf(64)).between(8.0, 512.0),
            ParameterSpec.optional("latent_scale", ParameterType.NUMBER, "the VAE's latent scaling factor", DoubleNode.valueOf(0.18215)).between(1e-6, 1e6),
            ParameterSpec.optional("latent_factor", ParameterType.INTEGER, "image pixels per latent pixel along a side", IntNode.valueOf(8)).between(1.0, 64.0),
            ParameterSpec.optional("beta_start", ParameterType.NUMBER, "the noise schedule's first beta", DoubleNode.valueOf(0.00085)).between(1e-8, 0.5),
            ParameterSpec.optional("beta_end", ParameterType.NUMBER, "the noise schedule's last beta", DoubleNode.valueOf(0.012)).between(1e-8, 0.999),
            ParameterSpec.optional("beta_schedule", ParameterType.STRING, "scaled_linear or linear", TextNode.valueOf("scaled_linear")),
            ParameterSpec.optional("train_timesteps", ParameterType.INTEGER, "the training noise steps", IntNode.valueOf(1000)).between(2.0, 10000.0),
            ParameterSpec.optional("steps_offset", ParameterType.INTEGER, "added to every inference timestep", IntNode.valueOf(1)).between(0.0, 1000.0),
            ParameterSpec.optional("prediction_type", ParameterType.STRING, "what the UNet predicts: epsilon or v_prediction", TextNode.valueOf("epsilon")),
            ParameterSpec.optional("scheduler", ParameterType.STRING, "the sampler: ddim or euler (both deterministic)", TextNode.valueOf("ddim")));

    /** The parameters only the text-to-image architecture declares. */
    static final List<ParameterSpec> TEXT = List.of(
            ParameterSpec.optional("default_guidance", ParameterType.NUMBER, "guidance scale when a request gives none", DoubleNode.valueOf(7.5)).between(0.0, TextToImageInput.MAX_GUIDANCE),
            ParameterSpec.optional("min_guidance", ParameterType.NUMBER, "the lowest guidance scale a request may ask for", DoubleNode.valueOf(0.0)).between(0.0, TextToImageInput.MAX_GUIDANCE),
            ParameterSpec.optional("max_guidance", ParameterType.NUMBER, "the highest guidance scale a request may ask for", DoubleNode.valueOf(30.0)).between(0.0, TextToImageInput.MAX_GUIDANCE),
            ParameterSpec.optional("max_prompt_chars", ParameterType.INTEGER, "the longest prompt a request may give", IntNode.valueOf(1000)).between(1.0, (double) TextToImageInput.MAX_PROMPT_CHARS),
            ParameterSpec.optional("pad_token", ParameterType.STRING, "the padding token after the prompt", TextNode.valueOf("<|endoftext|>")));

    DiffusionSettings {
        Scheduler.of(scheduler, schedule); // a 400 for an unknown name, when the config is loaded
        List<String> problems = new ArrayList<>();
        if (defaultSteps > maxSteps) {
            problems.add("'default_steps' (" + defaultSteps + ") is above 'max_steps' (" + maxSteps + ")");
        }
        if (sizeMultiple % latentFactor != 0) {
            problems.add("'size_multiple' (" + sizeMultiple + ") must be a multiple of 'latent_factor' (" + latentFactor + ")");
        }
        if (sizeMultiple % 8 != 0) {
            problems.add("'size_multiple' (" + sizeMultiple + ") must be a multiple of 8, as the task API's sizes are");
        }
        for (int side : new int[] {width, height}) {
            if (side > maxSize || side % sizeMultiple != 0) {
                problems.add("'width' and 'height' (" + width + "x" + height + ") must be multiples of 'size_multiple' ("
                        + sizeMultiple + ") no larger than 'max_size' (" + maxSize + ")");
                break;
            }
        }
        if (text != null && !(text.minGuidance <= text.defaultGuidance && text.defaultGuidance <= text.maxGuidance)) {
            problems.add("'default_guidance' (" + text.defaultGuidance + ") must lie between 'min_guidance' and 'max_guidance'");
        }
        if (!problems.isEmpty()) {
            throw ClientErrorException.invalid("Invalid diffusion model config: " + String.join("; ", problems));
        }
    }

    /** Reads validated parameters (defaults filled in); {@code withText} for the text-to-image architecture. */
    static DiffusionSettings of(JsonNode p, boolean withText) {
        NoiseSchedule schedule = new NoiseSchedule(p.get("beta_start").asDouble(), p.get("beta_end").asDouble(),
                p.get("beta_schedule").asText(), p.get("train_timesteps").asInt(), p.get("steps_offset").asInt(),
                p.get("prediction_type").asText());
        TextSettings text = withText ? new TextSettings(p.get("default_guidance").asDouble(), p.get("min_guidance").asDouble(),
                p.get("max_guidance").asDouble(), p.get("max_prompt_chars").asInt(), p.get("pad_token").asText()) : null;
        return new DiffusionSettings(p.get("width").asInt(), p.get("height").asInt(), p.get("default_steps").asInt(),
                p.get("max_steps").asInt(), p.get("max_size").asInt(), p.get("size_multiple").asInt(),
                p.get("latent_scale").asDouble(), p.get("latent_factor").asInt(), schedule, p.get("scheduler").asText(), text);
    }

    /** A text-to-image request with this model's defaults, or a 400 naming the limit it breaks. */
    Generation resolve(TextToImageInput in, long runSeed) {
        prompt("prompt", in.prompt());
        String negative = in.negativePrompt() == null ? "" : prompt("negative_prompt", in.negativePrompt());
        double guidance = in.guidanceScale() == null ? text.defaultGuidance : in.guidanceScale();
        if (guidance < text.minGuidance || guidance > text.maxGuidance) {
            throw ClientErrorException.invalid("'guidance_scale' must be between " + text.minGuidance + " and " + text.maxGuidance
                    + " for this model, got " + guidance);
        }
        return new Generation(in.prompt(), negative, seed(in.seed(), runSeed), steps(in.steps()), guidance,
                side("width", in.width(), width), side("height", in.height(), height));
    }

    /** An unconditional request with this model's defaults and its fixed size. */
    Generation resolve(UnconditionalImageInput in, long runSeed) {
        return new Generation(null, null, seed(in.seed(), runSeed), steps(in.steps()), 0, width, height);
    }

    private String prompt(String field, String value) {
        if (value.length() > text.maxPromptChars) {
            throw ClientErrorException.invalid("'" + field + "' is " + value.length() + " characters long; this model takes at most "
                    + text.maxPromptChars);
        }
        return value;
    }

    private int steps(Integer requested) {
        int steps = requested == null ? defaultSteps : requested;
        if (steps > maxSteps) {
            throw ClientErrorException.invalid("'steps' must be between 1 and " + maxSteps + " for this model, got " + steps);
        }
        return steps;
    }

    private int side(String field, Integer requested, int fallback) {
        int side = requested == null ? fallback : requested;
        if (side > maxSize || side % sizeMultiple != 0) {
            throw ClientErrorException.invalid("'" + field + "' must be a multiple of " + sizeMultiple + " up to " + maxSize
                    + " pixels for this model, got " + side);
        }
        return side;
    }

    private static long seed(Long requested, long runSeed) {
        return requested == null ? runSeed : requested;
    }
}
