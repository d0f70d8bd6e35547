package org.chimp.tracking.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.chimp.api.Architecture;
import org.chimp.api.Architectures;
import org.chimp.api.ModelConfig;
import org.chimp.api.Names;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.error.Quote;
import org.chimp.http.Json;
import org.chimp.http.Routes;
import org.chimp.tracking.ActiveRun;
import org.chimp.tracking.TrackingStore;
import org.chimp.tracking.registry.ModelRegistry;
import org.chimp.tracking.registry.ModelVersion;
import org.chimp.tracking.registry.Stage;

/**
 * {@code POST /api/2.0/chimp/models/import}: registers a model version from files the caller uploads, for models
 * trained elsewhere (an ONNX export). Multipart form: {@code name} (the registered model), {@code config} (a model
 * config, {@code {"task", "architecture", "artifacts": {"weights": "sha256:<hex>"}, ...parameters}}), optional
 * {@code stage} (Staging or Production, to promote at once), and one file part per artifact, named by the artifact.
 *
 * <p>Everything is checked before anything is stored: the config against its architecture ({@link Architectures}),
 * every artifact the architecture declares present and no other, each file's SHA-256 equal to the config's reference,
 * each file within the size bound, and each file's format safe ({@link ArtifactFormats}: ONNX, tokenizer JSON or
 * raw external weights, never a format that runs code). Answer: {@code {"model_version": {...}}} in MLflow's shape.
 */
public final class ImportModelRoutes implements Routes {
    /** The endpoint's path. */
    public static final String PATH = "/api/2.0/chimp/models/import";
    /** The default bound of one artifact: protobuf's limit for an ONNX file; larger weights go in {@code *_data}. */
    public static final long DEFAULT_MAX_ARTIFACT_BYTES = 2L << 30;
    private static final int MAX_CONFIG_BYTES = 64 * 1024;
    private static final int MAX_PARTS = 16;
    private static final String EXPERIMENT = "model-imports";
    /** The attribute Jetty reads a request's multipart limits from (what Javalin sets for its own upload helpers). */
    private static final String MULTIPART_CONFIG = "org.eclipse.jetty.multipartConfig";

    private final TrackingStore tracking;
    private final ModelRegistry registry;
    private final Architectures architectures;
    private final long maxArtifactBytes;

    public ImportModelRoutes(TrackingStore tracking, ModelRegistry registry, Architectures architectures, long maxArtifactBytes) {
        this.tracking = tracking;
        this.registry = registry;
        this.architectures = architectures;
        this.maxArtifactBytes = maxArtifactBytes;
    }

    @Override
    public void addTo(Javalin app) {
        app.post(PATH, this::importModel);
    }

    private void importModel(Context ctx) throws IOException {
        long maxRequest = maxArtifactBytes * MAX_PARTS + MAX_CONFIG_BYTES;
        if (ctx.req().getContentLengthLong() > maxRequest) {
            throw ClientErrorException.tooLarge("The upload is " + ctx.req().getContentLengthLong() + " bytes; at most "
                    + maxRequest + " are taken (each artifact at most " + maxArtifactBytes + ")");
        }
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw ClientErrorException.invalid("Send multipart/form-data: a 'name' field, a 'config' field (the model config JSON), "
                    + "an optional 'stage' and one file per artifact, named by the artifact");
        }
        Path dir = Files.createTempDirectory("chimp-import-");
        try {
            ctx.req().setAttribute(MULTIPART_CONFIG, new MultipartConfigElement(dir.toString(), maxArtifactBytes, maxRequest, 1 << 20));
            ctx.json(register(parts(ctx), dir));
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Collection<Part> parts(Context ctx) throws IOException {
        try {
            Collection<Part> parts = ctx.req().getParts();
            if (parts.size() > MAX_PARTS + 3) {
                throw ClientErrorException.invalid("At most " + MAX_PARTS + " artifacts per import, got " + parts.size() + " parts");
            }
            return parts;
        } catch (IllegalStateException e) {
            // Jetty: "... exceeds max filesize" / "Request exceeds maxRequestSize"
            throw ClientErrorException.tooLarge("A part of the upload is larger than allowed: " + e.getMessage());
        } catch (ServletException | IOException e) {
            throw ClientErrorException.invalid("The multipart body could not be read: " + e.getMessage(), e);
        }
    }

    private RegisteredVersion register(Collection<Part> parts, Path dir) throws IOException {
        Map<String, Part> fields = new LinkedHashMap<>();
        Map<String, Part> files = new LinkedHashMap<>();
        for (Part p : parts) {
            // A part with a file name is an artifact file; the others are the form's text fields.
            Map<String, Part> target = p.getSubmittedFileName() == null ? fields : files;
            if (target.put(p.getName(), p) != null || (fields.containsKey(p.getName()) && files.containsKey(p.getName()))) {
                throw ClientErrorException.invalid("Part '" + safe(p.getName()) + "' is sent twice; send each field and artifact once");
            }
        }
        String name = Names.modelName(text(fields, "name", 1024));
        Stage stage = fields.containsKey("stage") ? stage(text(fields, "stage", 64)) : null;
        ModelConfig config = config(text(fields, "config", MAX_CONFIG_BYTES));
        for (String field : fields.keySet()) {
            if (!List.of("name", "stage", "config").contains(field)) {
                throw ClientErrorException.invalid("Unknown field '" + safe(field) + "'; send name, config, stage and one file per artifact");
            }
        }
        ModelConfig valid = architectures.validate(config);
        Architecture<?, ?> arch = architectures.find(valid.task(), valid.architecture());
        Map<String, Path> stored = new LinkedHashMap<>();
        for (Map.Entry<String, String> ref : valid.artifacts().entrySet()) {
            String artifact = ref.getKey();
            if (!declared(arch, artifact)) {
                throw ClientErrorException.invalid("Architecture '" + arch.name() + "' has no artifact '" + safe(artifact)
                        + "'; it takes " + arch.requiredArtifacts() + " (and '<artifact>_data' external weights)");
            }
            Part file = files.remove(artifact);
            if (file == null) {
                throw ClientErrorException.invalid("The config references artifact '" + artifact + "' but no file part named '"
                        + artifact + "' was sent");
            }
            stored.put(artifact, saved(artifact, ref.getValue(), file, dir));
        }
        if (!files.isEmpty()) {
            throw ClientErrorException.invalid("File parts " + files.keySet().stream().map(ImportModelRoutes::safe).toList()
                    + " are not artifacts of the config; reference each file in the config's 'artifacts' by its sha256");
        }
        ActiveRun run = tracking.startRun(tracking.getOrCreateExperiment(EXPERIMENT), "import " + name, Map.of());
        ModelVersion version;
        try {
            version = registry.registerModel(run, name, valid.task(), valid.architecture(), config.parameters(), stored);
            run.end(true);
        } catch (RuntimeException e) {
            run.end(false);
            throw e;
        }
        if (stage != null) {
            version = registry.transitionStage(name, version.version(), stage, true);
        }
        return RegisteredVersion.of(version);
    }

    /** Copies a file part to {@code dir/<artifact>/<artifact>}, checking its size, hash and format on the way. */
    private Path saved(String artifact, String ref, Part part, Path dir) throws IOException {
        String fileName = part.getSubmittedFileName();
        if (fileName.isEmpty() || fileName.length() > 255 || fileName.contains("/") || fileName.contains("\\") || fileName.contains("..")
                || fileName.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw ClientErrorException.invalid("The file name of artifact '" + artifact + "' must be a plain file name (no path, "
                    + "no '..', no control characters), got " + Quote.json(Json.MAPPER.getNodeFactory().textNode(fileName)));
        }
        if (part.getSize() > maxArtifactBytes) {
            throw ClientErrorException.tooLarge("Artifact '" + artifact + "' is " + part.getSize() + " bytes; at most "
                    + maxArtifactBytes + " are taken");
        }
        // The artifact name was checked by the config (a plain name); the file keeps it, so the run logs model/<artifact>.
        Path target = Files.createDirectories(dir.resolve("files").resolve(artifact)).resolve(artifact);
        MessageDigest sha = sha256();
        try (InputStream in = new DigestInputStream(part.getInputStream(), sha)) {
            Files.copy(in, target);
        }
        String actual = "sha256:" + HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(ref)) {
            throw ClientErrorException.invalid("Artifact '" + artifact + "' has " + actual + ", but the config references " + ref
                    + "; send the file the config names, or fix the reference");
        }
        ArtifactFormats.check(artifact, target);
        return target;
    }

    private static boolean declared(Architecture<?, ?> arch, String artifact) {
        return arch.requiredArtifacts().contains(artifact)
                || (artifact.endsWith("_data") && arch.requiredArtifacts().contains(artifact.substring(0, artifact.length() - 5)));
    }

    private static ModelConfig config(String json) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw ClientErrorException.invalid("The 'config' field is not valid JSON: " + e.getMessage(), e);
        }
        return ModelConfig.fromJson(node);
    }

    private static Stage stage(String text) {
        Stage s = Stage.parse(text);
        if (s != Stage.STAGING && s != Stage.PRODUCTION) {
            throw ClientErrorException.invalid("'stage' must be Staging or Production (or left out), got '" + s.mlflowName() + "'");
        }
        return s;
    }

    private static String text(Map<String, Part> fields, String name, int maxBytes) throws IOException {
        Part p = fields.get(name);
        if (p == null) {
            throw ClientErrorException.invalid("The form needs a '" + name + "' field");
        }
        if (p.getSize() > maxBytes) {
            throw ClientErrorException.tooLarge("The '" + name + "' field is " + p.getSize() + " bytes; at most " + maxBytes);
        }
        try (InputStream in = p.getInputStream()) {
            return new String(in.readNBytes(maxBytes), StandardCharsets.UTF_8);
        }
    }

    /** A caller's part name, quoted with control characters escaped, for messages. */
    private static String safe(String partName) {
        return Quote.json(Json.MAPPER.getNodeFactory().textNode(partName)).replace("\"", "");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
