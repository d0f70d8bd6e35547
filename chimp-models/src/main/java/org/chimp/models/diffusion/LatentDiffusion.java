package org.chimp.models.diffusion;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import org.chimp.api.ArtifactResolver;
import org.chimp.api.ModelConfig;
import org.chimp.api.RunContext;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.generation.image.GeneratedImage;

/**
 * The latent-diffusion pipeline, with or without a prompt: seeded Gaussian latents {@code [1, C, h, w]}, then for
 * each timestep of the scheduler (DDIM or Euler) the UNet ({@code sample}, {@code timestep}, and with a prompt {@code encoder_hidden_states}
 * to {@code out_sample}), run on the batch [unconditional, conditional] and combined as
 * {@code uncond + g * (cond - uncond)} when guided; finally the VAE decoder ({@code latent_sample} / latent scale to
 * {@code sample [1, 3, 8h, 8w]}) and PNG. The names and ranks are those of Stable Diffusion's ONNX exports (diffusers'
 * {@code convert_stable_diffusion_checkpoint_to_onnx.py}, Optimum's {@code optimum-cli export onnx}). Thread-safe:
 * a run keeps its state on its own stack.
 */
final class LatentDiffusion implements AutoCloseable {
    static final String UNET = "unet";
    static final String VAE_DECODER = "vae_decoder";
    static final String TEXT_ENCODER = "text_encoder";
    static final String TOKENIZER = "tokenizer";
    static final String SAMPLE = "sample";
    static final String TIMESTEP = "timestep";
    static final String CONTEXT = "encoder_hidden_states";
    static final String UNET_OUT = "out_sample";
    static final String LATENT = "latent_sample";
    static final String IMAGE = "sample";
    /** Latent channels when the UNet's export leaves them open: Stable Diffusion's 4. */
    static final int DEFAULT_CHANNELS = 4;

    private final DiffusionSettings settings;
    private final OnnxNet unet;
    private final OnnxNet vae;
    private final TextEncoder text;
    private final Scheduler scheduler;
    private final AtomicLong runs;
    private final long[] sampleShape;
    private final long[] timestepShape;
    private final int channels;

    private LatentDiffusion(DiffusionSettings settings, OnnxNet unet, OnnxNet vae, TextEncoder text, AtomicLong runs) {
        this.settings = settings;
        this.unet = unet;
        this.vae = vae;
        this.text = text;
        this.runs = runs;
        this.scheduler = Scheduler.of(settings.scheduler(), settings.schedule());
        this.sampleShape = unet.input(SAMPLE, new int[] {4}, OnnxNet.REAL).getShape();
        TensorInfo timestep = unet.input(TIMESTEP, new int[] {0, 1}, OnnxJavaType.FLOAT, OnnxJavaType.FLOAT16, OnnxJavaType.INT64, OnnxJavaType.INT32);
        this.timestepShape = timestep.getShape();
        this.channels = sampleShape[1] > 0 ? (int) sampleShape[1] : DEFAULT_CHANNELS;
        unet.output(UNET_OUT, 4);
        long latentChannels = vae.input(LATENT, new int[] {4}, OnnxNet.REAL).getShape()[1];
        vae.output(IMAGE, 4);
        if (latentChannels > 0 && latentChannels != channels) {
            throw ClientErrorException.invalid("The UNet makes " + channels + "-channel latents but the VAE decoder reads " + latentChannels);
        }
        if (text != null && !unet.hasInput(CONTEXT)) {
            throw ClientErrorException.invalid("The 'unet' model has no '" + CONTEXT + "' input, so a prompt cannot steer it: use onnx-unconditional-diffusion");
        }
        if (text == null && unet.hasInput(CONTEXT)) {
            throw ClientErrorException.invalid("The 'unet' model reads a prompt ('" + CONTEXT + "'): use onnx-latent-diffusion with a text encoder and tokenizer");
        }
        if (text != null) {
            unet.input(CONTEXT, new int[] {3}, OnnxNet.REAL);
        }
    }

    /**
     * Opens the networks a config names (the text encoder and tokenizer only {@code withText}), checks their
     * signatures, and runs one small generation so that networks that do not fit together fail now, as a 400,
     * rather than on the first request.
     */
    static LatentDiffusion open(ModelConfig config, ArtifactResolver artifacts, boolean withText) {
        DiffusionSettings settings = DiffusionSettings.of(config.parameters(), withText);
        checkArtifactNames(config, withText);
        AtomicLong runs = new AtomicLong();
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            TextEncoder text = null;
            if (withText) {
                ClipTokenizer tokenizer = ClipTokenizer.read(file(config, artifacts, TOKENIZER), settings.text().padToken());
                OnnxNet encoder = track(opened, net(config, artifacts, TEXT_ENCODER, runs));
                text = new TextEncoder(tokenizer, encoder);
            }
            OnnxNet unet = track(opened, net(config, artifacts, UNET, runs));
            OnnxNet vae = track(opened, net(config, artifacts, VAE_DECODER, runs));
            LatentDiffusion pipeline = new LatentDiffusion(settings, unet, vae, text, runs);
            pipeline.probe();
            return pipeline;
        } catch (RuntimeException e) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** The settings requests are resolved against. */
    DiffusionSettings settings() {
        return settings;
    }

    /** How many times any of the networks has run. */
    long onnxRuns() {
        return runs.get();
    }

    /** Generates one image; the request has been resolved against {@link #settings()}. */
    GeneratedImage generate(Generation g, RunContext ctx) {
        int f = settings.latentFactor();
        int lh = g.height() / f;
        int lw = g.width() / f;
        checkFixedSize(lh, lw);
        int batch = g.guided() ? 2 : 1;
        if (sampleShape[0] > 0 && sampleShape[0] != batch) {
            throw ClientErrorException.invalid("The 'unet' model was exported for batches of " + sampleShape[0] + " and this request needs "
                    + batch + (batch == 2 ? " (guidance_scale > 1)" : " (guidance_scale <= 1)"));
        }
        int n = channels * lh * lw;
        int[] timesteps = scheduler.timesteps(g.steps());
        float[] latents = SeededNoise.gaussian(g.seed(), n);
        scale(latents, scheduler.initialNoiseScale(timesteps));
        float[] context = text == null ? null
                : text.encode(g.guided() ? List.of(g.negativePrompt(), g.prompt()) : List.of(g.prompt()));
        for (int i = 0; i < timesteps.length; i++) {
            if (ctx.cancelled().getAsBoolean()) {
                throw new CancellationException("Image generation cancelled");
            }
            float[] input = latents.clone();
            scale(input, scheduler.inputScale(timesteps[i]));
            float[] out = unet.run(unetInputs(input, batch, lh, lw, timesteps[i], context), UNET_OUT, (long) batch * n);
            scheduler.step(g.guided() ? guide(out, n, g.guidance()) : out, timesteps, i, latents);
        }
        float[] scaled = new float[n];
        for (int i = 0; i < n; i++) {
            scaled[i] = (float) (latents[i] / settings.latentScale());
        }
        float[] pixels = vae.run(Map.of(LATENT, vae.floats(LATENT, scaled, 1, channels, lh, lw)), IMAGE, 3L * g.width() * g.height());
        return new GeneratedImage(PngImages.encode(pixels, g.width(), g.height()), g.width(), g.height(), g.seed());
    }

    private Map<String, OnnxTensor> unetInputs(float[] latents, int batch, int lh, int lw, int t, float[] context) {
        float[] sample = latents;
        if (batch == 2) {
            sample = new float[latents.length * 2];
            System.arraycopy(latents, 0, sample, 0, latents.length);
            System.arraycopy(latents, 0, sample, latents.length, latents.length);
        }
        Map<String, OnnxTensor> in = new HashMap<>();
        in.put(SAMPLE, unet.floats(SAMPLE, sample, batch, channels, lh, lw));
        // Exports differ: a scalar, [1] broadcast by the graph, or one timestep per batch row.
        int copies = timestepShape.length == 0 ? 1 : timestepShape[0] > 0 ? (int) timestepShape[0] : batch;
        long[] ts = new long[copies];
        Arrays.fill(ts, t);
        in.put(TIMESTEP, timestepShape.length == 0 ? unet.numbers(TIMESTEP, ts) : unet.numbers(TIMESTEP, ts, copies));
        if (context != null) {
            int positions = text.length();
            in.put(CONTEXT, unet.floats(CONTEXT, context, batch, positions, context.length / (batch * positions)));
        }
        return in;
    }

    private static void scale(float[] values, double factor) {
        if (factor != 1) {
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (values[i] * factor);
            }
        }
    }

    /** Classifier-free guidance: {@code uncond + g * (cond - uncond)}, the batch being [uncond, cond]. */
    private static float[] guide(float[] out, int n, double scale) {
        float[] eps = new float[n];
        for (int i = 0; i < n; i++) {
            float uncond = out[i];
            eps[i] = (float) (uncond + scale * (out[n + i] - uncond));
        }
        return eps;
    }

    private void checkFixedSize(int lh, int lw) {
        long fh = sampleShape[2];
        long fw = sampleShape[3];
        if (fh > 0 && fh != lh || fw > 0 && fw != lw) {
            int f = settings.latentFactor();
            throw ClientErrorException.invalid("This model only makes " + (fw > 0 ? fw * f : lw * f) + "x" + (fh > 0 ? fh * f : lh * f)
                    + " images (its UNet was exported with a fixed size); set 'width' and 'height' to that");
        }
    }

    /**
     * One step at the smallest size the model allows (its fixed size, or the unconditional size), and the text
     * encoder on the tokenizer's largest id.
     */
    private void probe() {
        if (text != null) {
            text.checkVocabulary();
        }
        int f = settings.latentFactor();
        int w = sampleShape[3] > 0 ? (int) sampleShape[3] * f : text == null ? settings.width() : settings.sizeMultiple();
        int h = sampleShape[2] > 0 ? (int) sampleShape[2] * f : text == null ? settings.height() : settings.sizeMultiple();
        double guidance = sampleShape[0] == 1 ? 1 : 2;
        Generation g = new Generation(text == null ? null : "", "", 0, 1, guidance, w, h);
        try {
            generate(g, RunContext.defaults());
        } catch (ClientErrorException e) {
            throw ClientErrorException.invalid("The model config does not fit its networks: " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            // CHIMP's own findings (output sizes) are shown; ONNX Runtime's messages are internals, kept for the log.
            String why = e.getCause() instanceof OrtException ort ? "ONNX Runtime could not run them (" + ort.getCode() + ")" : e.getMessage();
            throw ClientErrorException.invalid("The networks do not fit together or with the config: " + why
                    + "; they were tried at " + w + "x" + h + " pixels (UNets exported from diffusers need sides that are multiples of 64:"
                    + " 'size_multiple' 64)", e);
        }
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> opened, T c) {
        opened.add(c);
        return c;
    }

    /** The networks and tokenizer this pipeline reads, and each network's optional external weights. */
    static List<String> artifactNames(boolean withText) {
        List<String> names = new ArrayList<>(withText ? List.of(TOKENIZER, TEXT_ENCODER, UNET, VAE_DECODER) : List.of(UNET, VAE_DECODER));
        names.stream().filter(n -> !n.equals(TOKENIZER)).map(ExternalWeights::artifactName).toList().forEach(names::add);
        return names;
    }

    /** A misspelt artifact name would otherwise be ignored silently (and "unet_dat" then fail obscurely). */
    private static void checkArtifactNames(ModelConfig config, boolean withText) {
        List<String> known = artifactNames(withText);
        List<String> unknown = config.artifacts().keySet().stream().filter(n -> !known.contains(n)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw ClientErrorException.invalid("Unknown artifacts " + unknown + " in the model config; this architecture reads " + known);
        }
    }

    private static OnnxNet net(ModelConfig config, ArtifactResolver artifacts, String name, AtomicLong runs) {
        String weights = config.artifacts().get(ExternalWeights.artifactName(name));
        return OnnxNet.open(name, file(config, artifacts, name), weights == null ? null : artifacts.resolve(weights), runs);
    }

    private static Path file(ModelConfig config, ArtifactResolver artifacts, String name) {
        String ref = config.artifacts().get(name);
        if (ref == null) {
            throw ClientErrorException.invalid("The model config needs artifact '" + name + "' (a sha256: reference)");
        }
        return artifacts.resolve(ref);
    }

    @Override
    public void close() {
        if (text != null) {
            text.close();
        }
        unet.close();
        vae.close();
    }
}
