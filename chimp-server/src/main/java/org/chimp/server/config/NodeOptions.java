package org.chimp.server.config;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.chimp.api.Names;
import org.chimp.api.image.ImageLimits;
import org.chimp.http.ServerLimits;
import org.chimp.server.node.ModelSettings;
import org.chimp.server.node.NodeSettings;
import org.chimp.server.node.ObservabilitySettings;
import org.chimp.store.S3Options;
import picocli.CommandLine.Option;

/**
 * The backend options every process takes, the same on {@code standalone}, {@code server} and {@code worker}.
 * Each can also be set with a CHIMP_* environment variable or a key in the YAML config file (see
 * {@link ConfigSource}). Processes that share the database, broker and store form one CHIMP deployment.
 */
public final class NodeOptions {
    @Option(names = "--data-dir", defaultValue = "chimp-data",
            description = "Directory for the embedded database, store and broker (env CHIMP_DATA_DIR; default ${DEFAULT-VALUE}).")
    public Path dataDir;

    @Option(names = "--db", description = "JDBC URL of the database (env CHIMP_DB_URL): jdbc:h2:... or "
            + "jdbc:postgresql://host/db?user=..; default an H2 file database in the data directory.")
    public String db;

    @Option(names = "--broker", defaultValue = "embedded",
            description = "Job broker (env CHIMP_BROKER_URL): 'embedded' (durable, in the database; default), "
            + "redis://host:6379 (Redis Streams) or amqp://user:pass@host:5672/vhost (RabbitMQ).")
    public String broker;

    @Option(names = "--store", description = "Blob store (env CHIMP_STORE_URL): a directory, or s3://bucket/prefix for an "
            + "S3-compatible object store (AWS, MinIO, Ceph, Garage) with credentials from the AWS SDK's chain "
            + "(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE); default <data-dir>/store.")
    public String store;

    @Option(names = "--s3-endpoint", description = "URL of the S3 server for an s3:// store, such as http://127.0.0.1:9000 "
            + "(env CHIMP_S3_ENDPOINT; default AWS).")
    public String s3Endpoint;

    @Option(names = "--s3-region", description = "S3 region (env CHIMP_S3_REGION; default the AWS SDK's, else us-east-1).")
    public String s3Region;

    @Option(names = "--s3-path-style", arity = "0..1", fallbackValue = "true",
            description = "Address S3 buckets as host/bucket, as most self-hosted servers need (env CHIMP_S3_PATH_STYLE=true).")
    public String s3PathStyle;

    @Option(names = "--dataset-cache-mb", defaultValue = "10240",
            description = "Size bound of this node's cache of dataset versions fetched from the store for training; least "
            + "recently used versions are evicted beyond it (env CHIMP_DATASET_CACHE_MB; default ${DEFAULT-VALUE}).")
    public long datasetCacheMb;

    @Option(names = "--config", description = "YAML config file whose keys are option names (env CHIMP_CONFIG; "
            + "default ./chimp.yaml if present). The admin token may be set there as 'admin-token'.")
    public Path config;

    @Option(names = "--max-image-pixels", defaultValue = "16777216",
            description = "Largest image (width x height) CHIMP decodes, in requests, uploads and training; larger ones "
            + "get 413 before a pixel is decoded (env CHIMP_MAX_IMAGE_PIXELS; default ${DEFAULT-VALUE} = 4096 x 4096).")
    public long maxImagePixels;

    @Option(names = "--max-request-bytes", defaultValue = "16777216",
            description = "Largest body of a JSON or form request; multipart uploads have the dataset store's limit "
            + "(env CHIMP_MAX_REQUEST_BYTES; default ${DEFAULT-VALUE}).")
    public long maxRequestBytes;

    @Option(names = "--request-idle-seconds", defaultValue = "10",
            description = "A request body that stops arriving for this long is answered 408 "
            + "(env CHIMP_REQUEST_IDLE_SECONDS; default ${DEFAULT-VALUE}).")
    public int requestIdleSeconds;

    @Option(names = "--http-threads", defaultValue = "250",
            description = "Request-handling threads per HTTP port (env CHIMP_HTTP_THREADS; default ${DEFAULT-VALUE}).")
    public int httpThreads;

    @Option(names = "--max-personal-models", defaultValue = "16",
            description = "Personal (calibrated) model versions serving keeps loaded; the least recently used is unloaded "
            + "first (env CHIMP_MAX_PERSONAL_MODELS; default ${DEFAULT-VALUE}).")
    public int maxPersonalModels;

    @Option(names = "--invocations-model",
            description = "The registered model whose Production version answers MLflow's scoring protocol at "
            + "POST /invocations (env CHIMP_INVOCATIONS_MODEL; default none: the route answers 404 saying so).")
    public String invocationsModel;

    @Option(names = "--face-cascade",
            description = "OpenCV Haar cascade for face detection (env CHIMP_FACE_CASCADE; default Debian's "
            + "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml from the opencv-data package). "
            + "Without one, CHIMP runs with face detection off and says so.")
    public Path faceCascade;

    @Option(names = "--plugins-dir",
            description = "Folder of external training plugin jars, picked up without a restart (env CHIMP_PLUGINS_DIR; "
            + "default <data-dir>/plugins).")
    public Path pluginsDir;

    @Option(names = "--log-format", defaultValue = "text",
            description = "Log lines as 'text' for people or 'json' (one JSON object per line, with the request id) for "
            + "log collectors (env CHIMP_LOG_FORMAT; default ${DEFAULT-VALUE}).")
    public String logFormat;

    @Option(names = "--access-log", arity = "0..1", fallbackValue = "true", defaultValue = "true",
            description = "One log line per HTTP request: method, route, status, duration, request id and user; "
            + "--access-log=false turns it off (env CHIMP_ACCESS_LOG; default ${DEFAULT-VALUE}).")
    public boolean accessLog;

    private AdminToken token;

    /**
     * The node settings these options describe; the admin token comes from the environment or config file. Also
     * installs the process-wide image limits, which every decoder (serving, uploads, training) obeys.
     */
    public NodeSettings settings(ConfigSource config, boolean needsToken) throws IOException {
        if (datasetCacheMb < 0 || datasetCacheMb > (1L << 40)) {
            throw new IllegalArgumentException("--dataset-cache-mb must be between 0 and 2^40, got " + datasetCacheMb);
        }
        if (maxImagePixels < 1 || maxRequestBytes < 1024 || requestIdleSeconds < 1 || httpThreads < 8 || maxPersonalModels < 1) {
            throw new IllegalArgumentException("--max-image-pixels must be positive, --max-request-bytes at least 1024, "
                    + "--request-idle-seconds at least 1, --http-threads at least 8 and --max-personal-models at least 1");
        }
        ImageLimits.install(ImageLimits.forMaxPixels(maxImagePixels));
        LogFormat.parse(logFormat).apply();
        token = needsToken ? AdminToken.resolve(config.setting("admin-token"), dataDir) : null;
        ServerLimits d = NodeSettings.defaultHttpLimits();
        ServerLimits http = new ServerLimits(maxRequestBytes, d.maxUploadBytes(), d.maxParts(), d.memoryBytes(),
                Duration.ofSeconds(requestIdleSeconds), d.bodyTotal(), httpThreads, d.maxHeaderBytes());
        return new NodeSettings(dataDir, db, broker, store, token == null ? null : token.value(), http,
                S3Options.of(s3Endpoint, s3Region, s3PathStyle), datasetCacheMb << 20,
                new ModelSettings(maxPersonalModels, faceCascade, pluginsDir,
                        invocationsModel == null || invocationsModel.isBlank() ? null : Names.modelName(invocationsModel)),
                // a secret: from the environment or the config file, never the command line (visible in ps)
                new ObservabilitySettings(config.setting("metrics-token").orElse(null), accessLog));
    }

    /** What a starting server prints about the admin token (after {@link #settings}). */
    public String tokenNotice() {
        return token == null ? "" : token.notice();
    }
}
