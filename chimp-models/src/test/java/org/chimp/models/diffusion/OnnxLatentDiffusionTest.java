package org.chimp.models.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.chimp.api.error.ClientErrors.assertInvalid;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.chimp.api.Architectures;
import org.chimp.api.Model;
import org.chimp.api.ModelConfig;
import org.chimp.api.RunContext;
import org.chimp.api.Tasks;
import org.chimp.api.generation.image.GeneratedImage;
import org.chimp.api.generation.image.TextToImageInput;
import org.chimp.api.generation.image.UnconditionalImageInput;
import org.chimp.models.diffusion.tiny.TinyDiffusion;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxLatentDiffusionTest {
    private static final RunContext CPU = RunContext.defaults();
    private final Architectures architectures = Architectures.load();
    @TempDir
    Path dir;
    private Artifacts artifacts;

    @BeforeEach
    void setUp() {
        artifacts = new Artifacts(dir);
    }

    @Test
    void bothArchitecturesAreFoundForTheirTasks() {
        assertThat(architectures.find("text-to-image", "onnx-latent-diffusion")).isInstanceOf(OnnxLatentDiffusionArchitecture.class);
        assertThat(architectures.find("unconditional-image", "onnx-unconditional-diffusion"))
                .isInstanceOf(OnnxUnconditionalDiffusionArchitecture.class);
    }

    @Test
    void textToImageMakesAPngOfTheRequestedSize() throws IOException {
        try (Model<TextToImageInput, GeneratedImage> model = textToImage(TinyDiffusion.parameters())) {
            GeneratedImage img = model.run(TextToImageInput.of("a red fox", 42), CPU);
            assertThat(img.seed()).isEqualTo(42);
            assertThat(decode(img)).satisfies(b -> {
                assertThat(b.getWidth()).isEqualTo(TinyDiffusion.SIZE);
                assertThat(b.getHeight()).isEqualTo(TinyDiffusion.SIZE);
            });
            GeneratedImage wide = model.run(new TextToImageInput("a red fox", null, 42L, 3, 5.0, 64, 16), CPU);
            BufferedImage b = decode(wide);
            assertThat(new int[] {b.getWidth(), b.getHeight(), wide.width(), wide.height()}).containsExactly(64, 16, 64, 16);
            assertThat(distinctColours(b)).as("seeded texture, not a flat image").isGreaterThan(20);
        }
    }

    @Test
    void sameSeedGivesTheSameBytesAndOtherSeedsOtherImages() {
        try (Model<TextToImageInput, GeneratedImage> model = textToImage(TinyDiffusion.parameters());
             Model<TextToImageInput, GeneratedImage> reloaded = textToImage(TinyDiffusion.parameters())) {
            byte[] first = model.run(TextToImageInput.of("a blue sky", 7), CPU).png();
            assertThat(model.run(TextToImageInput.of("a blue sky", 7), CPU).png()).isEqualTo(first);
            assertThat(reloaded.run(TextToImageInput.of("a blue sky", 7), CPU).png()).as("another load of the same model").isEqualTo(first);
            assertThat(model.run(TextToImageInput.of("a blue sky", 8), CPU).png()).isNotEqualTo(first);
            // All 64 seed bits count: seeds that differ only above bit 48 (java.util.Random's limit) differ too.
            assertThat(model.run(TextToImageInput.of("a blue sky", 7 + (1L << 50)), CPU).png()).isNotEqualTo(first);
        }
    }

    @Test
    void concurrentRunsOfOneModelGiveEachTheirOwnImage() throws Exception {
        try (Model<TextToImageInput, GeneratedImage> model = textToImage(TinyDiffusion.parameters())) {
            Map<Long, byte[]> expected = new HashMap<>();
            for (long seed = 0; seed < 4; seed++) {
                expected.put(seed, model.run(TextToImageInput.of("a cat", seed), CPU).png());
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<GeneratedImage>> runs = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    long seed = i % 4;
                    runs.add(pool.submit(() -> model.run(TextToImageInput.of("a cat", seed), CPU)));
                }
                for (Future<GeneratedImage> run : runs) {
                    GeneratedImage img = run.get();
                    assertThat(img.png()).isEqualTo(expected.get(img.seed()));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void seedLeftOutIsTheRunsSeedAndIsReported() {
        try (Model<TextToImageInput, GeneratedImage> model = textToImage(TinyDiffusion.parameters())) {
            TextToImageInput noSeed = new TextToImageInput("a cat", null, null, null, null, null, null);
            GeneratedImage img = model.run(noSeed, new RunContext(99, "cpu", () -> false));
            assertThat(img.seed()).isEqualTo(99);
            assertThat(model.run(TextToImageInput.of("a cat", 99), CPU).png()).isEqualTo(img.png());
        }
    }

    @Test
    void promptGuidanceAndNegativePromptSteerTheImage() {
        try (Model<TextToImageInput, GeneratedImage> model = textToImage(TinyDiffusion.parameters())) {
            byte[] guided = model.run(new TextToImageInput("a red fox", null, 3L, 4, 7.5, null, null), CPU).png();
            assertThat(model.run(new TextToImageInput("a red fox", null, 3L, 4, 1.0, null, null), CPU).png()).isNotEqualTo(guided);
            assertThat(model.run(new TextToImageInput("a red fox", null, 3L, 4, 12.0, null, null), CPU).png()).isNotEqualTo(guided);
            assertThat(model.run(new TextToImageInput("a blue cat", null, 3L, 4, 7.5, null, null), CPU).png()).isNotEqualTo(guided);
            assertThat(model.run(new TextToImageInput("a red fox", "dawn", 3L, 4, 7.5, null, null), CPU).png()).isNotEqualTo(guided);
            assertThat(model.run(new TextToImageInput("a red fox", null, 3L, 5, 7.5, null, null), CPU).png()).isNotEqualTo(guided);
        }
    }

    @Test
    void eulerSchedulerMakesItsOwnDeterministicImage() {
        TextToImageInput request = TextToImageInput.of("a red fox", 3);
        try (Model<TextToImageInput, GeneratedImage> ddim = textToImage(TinyDiffusion.parameters());
             Model<TextToImageInput, GeneratedImage> euler = textToImage(TinyDiffusion.parameters().put("scheduler", "euler"))) {
            byte[] image = euler.run(request, CPU).png();
            assertThat(euler.run(request, CPU).png()).isEqualTo(image);
            assertThat(ddim.run(request, CPU).png()).isNotEqualTo(image);
        }
        assertInvalid(() -> textToImage(TinyDiffusion.parameters().put("scheduler", "plms"))).contains("'scheduler'");
    }

    @Test
    void requestsBeyondTheModelsLimitsAre400sBeforeAnyOnnxRun() {
        ObjectNode params = TinyDiffusion.parameters().put("max_prompt_chars", 20).put("size_multiple", 16).put("max_guidance", 10);
        try (DiffusionModel<TextToImageInput> model = textToImage(params)) {
            long runs = model.onnxRuns();
            assertInvalid(() -> model.run(new TextToImageInput("a fox", null, 1L, 51, null, null, null), CPU)).contains("'steps'", "50");
            assertInvalid(() -> model.run(new TextToImageInput("a fox", null, 1L, null, null, 128, null), CPU)).contains("'width'", "64");
            assertInvalid(() -> model.run(new TextToImageInput("a fox", null, 1L, null, null, null, 40), CPU)).contains("'height'", "multiple of 16");
            assertInvalid(() -> model.run(new TextToImageInput("a fox", null, 1L, null, 10.5, null, null), CPU)).contains("'guidance_scale'", "10.0");
            assertInvalid(() -> model.run(TextToImageInput.of("a very long prompt about foxes", 1), CPU)).contains("'prompt'", "at most 20");
            assertInvalid(() -> model.run(new TextToImageInput("a fox", "x".repeat(21), 1L, null, null, null, null), CPU)).contains("'negative_prompt'");
            assertThat(model.onnxRuns()).as("no network ran for a rejected request").isEqualTo(runs);
            model.run(new TextToImageInput("a fox", null, 1L, 2, null, 48, 16), CPU);
            assertThat(model.onnxRuns()).as("a valid request runs: text encoder, 2 UNet steps, VAE").isEqualTo(runs + 4);
        }
    }

    @Test
    void cancelledRunStopsBetweenSteps() {
        try (DiffusionModel<TextToImageInput> model = textToImage(TinyDiffusion.parameters())) {
            long runs = model.onnxRuns();
            assertThatThrownBy(() -> model.run(TextToImageInput.of("a fox", 1), new RunContext(1, "cpu", () -> true)))
                    .isInstanceOf(CancellationException.class);
            assertThat(model.onnxRuns()).as("only the text encoder ran").isEqualTo(runs + 1);
        }
    }

    @Test
    void unconditionalModelMakesSeededImagesOfItsSize() throws IOException {
        Map<String, String> refs = artifacts.storeAll(TinyDiffusion.unconditional(5));
        ModelConfig tiny = TinyDiffusion.unconditionalConfig(refs);
        ModelConfig config = tiny.withParameters(tiny.parameters().put("width", 16).put("height", 24));
        try (Model<UnconditionalImageInput, GeneratedImage> model = architectures.build(Tasks.UNCONDITIONAL_IMAGE, config, artifacts)) {
            GeneratedImage img = model.run(new UnconditionalImageInput(11L, 3), CPU);
            BufferedImage b = decode(img);
            assertThat(new int[] {b.getWidth(), b.getHeight()}).containsExactly(16, 24);
            assertThat(model.run(new UnconditionalImageInput(11L, 3), CPU).png()).isEqualTo(img.png());
            assertThat(model.run(new UnconditionalImageInput(12L, 3), CPU).png()).isNotEqualTo(img.png());
            assertThat(model.run(new UnconditionalImageInput(null, null), new RunContext(11, "cpu", () -> false)).seed()).isEqualTo(11);
            assertInvalid(() -> model.run(new UnconditionalImageInput(1L, 51), CPU)).contains("'steps'");
        }
    }

    @Test
    void networksOfTheWrongKindAre400sWhenBuilt() {
        Map<String, byte[]> t2i = new HashMap<>(TinyDiffusion.textToImage(1));
        Map<String, byte[]> swapped = new HashMap<>(t2i);
        swapped.put("unet", TinyDiffusion.unet(1, false, DataType.FLOAT));
        assertInvalid(() -> buildTextToImage(swapped, TinyDiffusion.parameters())).contains("no 'encoder_hidden_states' input", "onnx-unconditional-diffusion");
        Map<String, String> conditionalUnet = artifacts.storeAll(Map.of("unet", t2i.get("unet"), "vae_decoder", t2i.get("vae_decoder")));
        assertInvalid(() -> architectures.build(Tasks.UNCONDITIONAL_IMAGE, new ModelConfig("unconditional-image",
                "onnx-unconditional-diffusion", conditionalUnet, TinyDiffusion.parameters()), artifacts)).contains("reads a prompt");
        Map<String, byte[]> vaeAsUnet = new HashMap<>(t2i);
        vaeAsUnet.put("unet", t2i.get("vae_decoder"));
        assertInvalid(() -> buildTextToImage(vaeAsUnet, TinyDiffusion.parameters())).contains("'unet' model has no input 'sample'", "latent_sample");
        Map<String, byte[]> badTokenizer = new HashMap<>(t2i);
        badTokenizer.put("tokenizer", "{\"model\": {\"type\": \"WordPiece\"}}".getBytes(StandardCharsets.UTF_8));
        assertInvalid(() -> buildTextToImage(badTokenizer, TinyDiffusion.parameters())).contains("tokenizer.json with a BPE model");
        Map<String, byte[]> biggerVocabulary = new HashMap<>(t2i);
        biggerVocabulary.put("tokenizer", new String(t2i.get("tokenizer"), StandardCharsets.UTF_8)
                .replace("\"vocab\":{", "\"vocab\":{\"rare</w>\":100000,").getBytes(StandardCharsets.UTF_8));
        assertInvalid(() -> buildTextToImage(biggerVocabulary, TinyDiffusion.parameters())).contains("ids up to 100000", "text encoder");
        Map<String, byte[]> notOnnx = new HashMap<>(t2i);
        notOnnx.put("vae_decoder", "not a model".getBytes(StandardCharsets.UTF_8));
        assertInvalid(() -> buildTextToImage(notOnnx, TinyDiffusion.parameters())).contains("'vae_decoder' artifact is not a model").doesNotContain(dir.toString());
    }

    @Test
    void networksWithExternalWeightsLoadFromTheirDataArtifact() {
        Map<String, byte[]> single = TinyDiffusion.textToImage(1);
        Map<String, byte[]> split = new HashMap<>(single);
        TinyDiffusion.SplitModel unet = TinyDiffusion.withExternalWeights(single.get("unet"), "weights.pb");
        split.put("unet", unet.graph());
        split.put("unet_data", unet.weights());
        TextToImageInput request = TextToImageInput.of("a red fox", 5);
        try (Model<TextToImageInput, GeneratedImage> whole = buildTextToImage(single, TinyDiffusion.parameters());
             Model<TextToImageInput, GeneratedImage> external = buildTextToImage(split, TinyDiffusion.parameters())) {
            assertThat(external.run(request, CPU).png()).isEqualTo(whole.run(request, CPU).png());
        }
        split.remove("unet_data");
        assertInvalid(() -> buildTextToImage(split, TinyDiffusion.parameters())).contains("'unet' artifact is not a model");
        Map<String, byte[]> escaping = new HashMap<>(single);
        TinyDiffusion.SplitModel sneaky = TinyDiffusion.withExternalWeights(single.get("unet"), "../../etc/passwd");
        escaping.put("unet", sneaky.graph());
        escaping.put("unet_data", sneaky.weights());
        assertInvalid(() -> buildTextToImage(escaping, TinyDiffusion.parameters())).contains("plain file name");
        Map<String, byte[]> notExternal = new HashMap<>(single);
        notExternal.put("vae_decoder_data", new byte[16]);
        assertInvalid(() -> buildTextToImage(notExternal, TinyDiffusion.parameters())).contains("'vae_decoder_data'", "names none");
        Map<String, byte[]> typo = new HashMap<>(single);
        typo.put("unet_dat", new byte[16]);
        assertInvalid(() -> buildTextToImage(typo, TinyDiffusion.parameters())).contains("Unknown artifacts [unet_dat]");
    }

    @Test
    void float16NetworksAsOptimumExportsThemGiveNearlyTheSameImage() throws IOException {
        Map<String, byte[]> single = TinyDiffusion.textToImage(1);
        Map<String, byte[]> half = new HashMap<>(single);
        for (String net : new String[] {"text_encoder", "unet", "vae_decoder"}) {
            half.put(net, TinyDiffusion.withHalfInterface(single.get(net)));
        }
        TextToImageInput request = TextToImageInput.of("a red fox", 5);
        try (Model<TextToImageInput, GeneratedImage> full = buildTextToImage(single, TinyDiffusion.parameters());
             Model<TextToImageInput, GeneratedImage> fp16 = buildTextToImage(half, TinyDiffusion.parameters())) {
            GeneratedImage a = full.run(request, CPU);
            GeneratedImage b = fp16.run(request, CPU);
            assertThat(fp16.run(request, CPU).png()).isEqualTo(b.png());
            // Not zero: the values really crossed the edges as float16 (about 0.05 levels measured here).
            assertThat(meanAbsoluteDifference(decode(a), decode(b))).isGreaterThan(0.0).isLessThan(2.0);
        }
    }

    @Test
    void configsThatContradictThemselvesAre400s() {
        Map<String, byte[]> t2i = TinyDiffusion.textToImage(1);
        assertInvalid(() -> buildTextToImage(t2i, TinyDiffusion.parameters().put("default_steps", 60))).contains("'default_steps' (60)");
        assertInvalid(() -> buildTextToImage(t2i, TinyDiffusion.parameters().put("width", 20))).contains("'size_multiple'");
        ObjectNode stableDiffusionMultiple = TinyDiffusion.parameters();
        stableDiffusionMultiple.remove("size_multiple"); // the default, 64, does not admit the tiny 32-pixel default size
        assertInvalid(() -> buildTextToImage(t2i, stableDiffusionMultiple)).contains("'size_multiple' (64)");
        assertInvalid(() -> buildTextToImage(t2i, TinyDiffusion.parameters().put("beta_schedule", "cosine"))).contains("'beta_schedule'");
        assertInvalid(() -> buildTextToImage(t2i, TinyDiffusion.parameters().put("max_steps", 5000))).contains("'max_steps' must be at most 1000");
        assertInvalid(() -> buildTextToImage(t2i, TinyDiffusion.parameters().put("pad_token", "<pad>"))).contains("'pad_token'");
        assertInvalid(() -> architectures.validate(new ModelConfig("text-to-image", "onnx-latent-diffusion", Map.of(), TinyDiffusion.parameters())))
                .contains("text_encoder", "unet", "vae_decoder", "tokenizer");
    }

    private DiffusionModel<TextToImageInput> textToImage(ObjectNode params) {
        return buildTextToImage(TinyDiffusion.textToImage(1), params);
    }

    private DiffusionModel<TextToImageInput> buildTextToImage(Map<String, byte[]> networks, ObjectNode params) {
        ModelConfig config = new ModelConfig("text-to-image", "onnx-latent-diffusion", artifacts.storeAll(networks), params);
        return (DiffusionModel<TextToImageInput>) architectures.build(Tasks.TEXT_TO_IMAGE, config, artifacts);
    }

    private static BufferedImage decode(GeneratedImage img) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(img.png()));
    }

    /** Mean absolute difference per channel, in 0-255 levels. */
    private static double meanAbsoluteDifference(BufferedImage a, BufferedImage b) {
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift < 24; shift += 8) {
                    sum += Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff));
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }

    private static long distinctColours(BufferedImage b) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < b.getHeight(); y++) {
            for (int x = 0; x < b.getWidth(); x++) {
                colours.add(b.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
