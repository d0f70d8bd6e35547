package org.chimp.models.diffusion;

import java.util.ArrayList;
import java.util.List;
import org.chimp.api.Architecture;
import org.chimp.api.ArtifactResolver;
import org.chimp.api.ModelConfig;
import org.chimp.api.Task;
import org.chimp.api.Tasks;
import org.chimp.api.generation.image.GeneratedImage;
import org.chimp.api.generation.image.TextToImageInput;
import org.chimp.api.param.ParameterSpec;

/**
 * {@code onnx-latent-diffusion}: Stable Diffusion as exported to ONNX, one artifact per network ({@code text_encoder},
 * {@code unet}, {@code vae_decoder}) plus the CLIP {@code tokenizer} (a Hugging Face tokenizer.json), all by sha256.
 */
public final class OnnxLatentDiffusionArchitecture implements Architecture<TextToImageInput, GeneratedImage> {
    public static final String NAME = "onnx-latent-diffusion";
    private static final List<ParameterSpec> PARAMETERS = concat(DiffusionSettings.COMMON, DiffusionSettings.TEXT);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Task<TextToImageInput, GeneratedImage> task() {
        return Tasks.TEXT_TO_IMAGE;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return PARAMETERS;
    }

    @Override
    public List<String> requiredArtifacts() {
        return List.of(LatentDiffusion.TEXT_ENCODER, LatentDiffusion.UNET, LatentDiffusion.VAE_DECODER, LatentDiffusion.TOKENIZER);
    }

    @Override
    public DiffusionModel<TextToImageInput> build(ModelConfig config, ArtifactResolver artifacts) {
        LatentDiffusion pipeline = LatentDiffusion.open(config, artifacts, true);
        return new DiffusionModel<>(pipeline, (in, seed) -> pipeline.settings().resolve(in, seed));
    }

    private static List<ParameterSpec> concat(List<ParameterSpec> a, List<ParameterSpec> b) {
        List<ParameterSpec> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }
}
