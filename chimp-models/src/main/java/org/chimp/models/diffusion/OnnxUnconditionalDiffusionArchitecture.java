package org.chimp.models.diffusion;

import java.util.List;
import org.chimp.api.Architecture;
import org.chimp.api.ArtifactResolver;
import org.chimp.api.ModelConfig;
import org.chimp.api.Task;
import org.chimp.api.Tasks;
import org.chimp.api.generation.image.GeneratedImage;
import org.chimp.api.generation.image.UnconditionalImageInput;
import org.chimp.api.param.ParameterSpec;

/**
 * {@code onnx-unconditional-diffusion}: the same latent-diffusion pipeline without a prompt, for a UNet that takes
 * only {@code sample} and {@code timestep}; artifacts {@code unet} and {@code vae_decoder}. The image size is the
 * config's {@code width} x {@code height}.
 */
public final class OnnxUnconditionalDiffusionArchitecture implements Architecture<UnconditionalImageInput, GeneratedImage> {
    public static final String NAME = "onnx-unconditional-diffusion";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Task<UnconditionalImageInput, GeneratedImage> task() {
        return Tasks.UNCONDITIONAL_IMAGE;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return DiffusionSettings.COMMON;
    }

    @Override
    public List<String> requiredArtifacts() {
        return List.of(LatentDiffusion.UNET, LatentDiffusion.VAE_DECODER);
    }

    @Override
    public DiffusionModel<UnconditionalImageInput> build(ModelConfig config, ArtifactResolver artifacts) {
        LatentDiffusion pipeline = LatentDiffusion.open(config, artifacts, false);
        return new DiffusionModel<>(pipeline, (in, seed) -> pipeline.settings().resolve(in, seed));
    }
}
