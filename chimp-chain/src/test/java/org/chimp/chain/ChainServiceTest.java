package org.chimp.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.chain.devnet.DevChain.OWNER;
import static org.chimp.chain.devnet.DevChain.REQUESTER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.awaitility.Awaitility;
import org.chimp.api.error.ClientErrorException;
import org.chimp.chain.contract.ChimpOracle;
import org.chimp.chain.contract.ImageClassifierClient;
import org.chimp.chain.contract.TicTacToe;
import org.chimp.chain.devnet.DevChain;
import org.chimp.chain.sequencer.LogReader;
import org.chimp.chain.task.ChainTasks;
import org.chimp.chain.task.ModelRef;
import org.chimp.chain.tx.Signer;
import org.chimp.db.TestDatabases;
import org.chimp.chain.http.ChainRoutes;
import org.chimp.http.HttpErrors;
import org.chimp.jobs.Backoff;
import org.chimp.jobs.JobService;
import org.chimp.jobs.Worker;
import org.chimp.jobs.WorkerOptions;
import org.chimp.jobs.embedded.EmbeddedBroker;
import org.chimp.store.ArtifactStore;
import org.chimp.store.FileBlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The chain end to end inside one JVM: a model registered through {@code POST /chain/models}, a client contract
 * asking it to classify an image and called back with the output's hash and URI, the output served at that URI.
 */
@Tag("slow")
class ChainServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] CONFIG = "{\"task\":\"image-classification\",\"architecture\":\"tiny\"}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    private HikariDataSource ds;
    private ChainService chain;
    private Javalin app;
    private ChimpOracle oracle;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        oracle = DevChain.deployOracle();
        oracle.setSequencer(OWNER.getAddress(), true).send();
        long startBlock = DevChain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
        Path keyFile = dir.resolve("owner.key");
        Files.writeString(keyFile, Numeric.toHexStringWithPrefixZeroPadded(OWNER.getEcKeyPair().getPrivateKey(), 64));
        ds = TestDatabases.h2();
        EmbeddedBroker broker = new EmbeddedBroker(ds, Duration.ofSeconds(2));
        JobService jobs = new JobService(ds, broker);
        ArtifactStore artifacts = new ArtifactStore(new FileBlobStore(dir.resolve("blobs")), dir.resolve("cache"));
        Signer.forgetAll();
        ChainTasks tasks = new ChainTasks((ref, image, seed) -> JSON.createObjectNode()
                .put("model", ref.name()).put("stage", ref.stage()).put("width", image.width())
                .set("predicted_labels", JSON.createArrayNode().add("happy")));
        ChainService.ModelCatalog catalog = ref -> {
            if (!ref.name().equals("emotions")) {
                throw ClientErrorException.notFound("no registered model '" + ref.name() + "'");
            }
            return new ChainService.CatalogEntry(ref.name().equals("emotions") ? "image-classification" : "game-move", CONFIG);
        };
        chain = ChainService.open(new ChainSettings(DevChain.rpcUrl(), oracle.getContractAddress(), keyFile, null, 0, startBlock,
                "http://chimp.test"), ds, jobs, artifacts, tasks, catalog);
        Worker worker = new Worker(jobs, broker, chain.handlers(), List.of(LogReader.QUEUE),
                WorkerOptions.defaults().withConcurrency(2).withBackoff(new Backoff(Duration.ofMillis(100), Duration.ofMillis(500))));
        closing.add(broker);
        closing.add(worker);
        closing.add(chain);
        worker.start();
        chain.start();
        app = Javalin.create(c -> c.showJavalinBanner = false);
        HttpErrors.install(app);
        new ChainRoutes(chain, artifacts).addTo(app);
        app.start(0);
    }

    @AfterEach
    void stop() throws Exception {
        app.stop();
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        ds.close();
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] png() throws Exception {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    @Test
    void aContractAsksTheProductionModelAndIsCalledBackWithTheOutputsHashAndUri() throws Exception {
        HttpResponse<String> registered = post("/chain/models", "{\"name\": \"emotions\", \"stage\": \"production\", \"price_wei\": \"1000\"}");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        BigInteger modelId = BigInteger.valueOf(JSON.readTree(registered.body()).get("model_id").asLong());
        JsonNode answer = JSON.readTree(registered.body());
        assertThat(answer).isEqualTo(JSON.createObjectNode().put("model_id", answer.get("model_id").intValue())
                .put("tx_hash", answer.path("tx_hash").asText()).put("config_uri", ModelRef.stage("emotions", "Production").uri()));
        assertThat(answer.get("model_id").isIntegralNumber()).isTrue();
        assertThat(answer.get("tx_hash").asText()).startsWith("0x");
        var model = oracle.getModel(modelId).send();
        assertThat(model.component1()).isEqualTo("emotions");
        assertThat(model.component2()).isEqualTo("image-classification");
        assertThat(model.component3()).as("the config's sha256").isEqualTo(Hash.sha256(CONFIG));
        assertThat(model.component4()).isEqualTo(ModelRef.stage("emotions", "Production").uri());
        assertThat(model.component5()).isEqualTo(BigInteger.valueOf(1000));

        ImageClassifierClient client = ImageClassifierClient.deploy(DevChain.web3j(), DevChain.as(REQUESTER), DevChain.GAS,
                oracle.getContractAddress(), modelId).send();
        BigInteger jobId = ChimpOracle.getJobCreatedEvents(client.classify(png(), BigInteger.valueOf(1000)).send()).get(0).jobId;
        // Ceilings for a loaded machine (a job through the broker, the model and two transactions), not times.
        Awaitility.await().alias("called back in time").atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100)).until(() -> client.resultOf(jobId).send().component2());
        var result = client.resultOf(jobId).send();
        String uri = result.component4();
        assertThat(uri).startsWith("http://chimp.test/blobs/sha256:");
        String path = uri.substring("http://chimp.test".length());
        HttpResponse<String> blob = get(path);
        assertThat(blob.statusCode()).isEqualTo(200);
        assertThat(Hash.sha256(blob.body().getBytes(StandardCharsets.UTF_8))).isEqualTo(result.component3());
        JsonNode output = JSON.readTree(blob.body());
        assertThat(output.get("model").asText()).isEqualTo("emotions");
        assertThat(output.get("width").asInt()).isEqualTo(8);

        JsonNode jobs = JSON.readTree(get("/chain/jobs").body());
        assertThat(jobs.get("jobs")).hasSize(1);
        JsonNode job = jobs.get("jobs").get(0);
        assertThat(job.get("state").asText()).isEqualTo("fulfilled");
        assertThat(job.get("output_uri").asText()).isEqualTo(uri);
        assertThat(job.get("answer_tx").asText()).startsWith("0x");
        assertThat(job.get("chimp_job_id").asText()).isNotBlank();
        assertThat(jobs.fieldNames()).toIterable().containsExactly("chain_id", "contract", "jobs");
        assertThat(jobs.get("chain_id").isIntegralNumber()).isTrue();
        assertThat(jobs.get("contract").asText()).isEqualToIgnoringCase(oracle.getContractAddress());
        assertThat(job.fieldNames()).toIterable().containsExactly("job_id", "model_id", "requester", "state", "chimp_job_id",
                "created_block", "request_tx", "answer_kind", "answer_tx", "output_hash", "output_uri", "error", "deadline");
        assertThat(job.get("job_id").asText()).isEqualTo(jobId.toString());
        assertThat(job.get("model_id").asText()).isEqualTo(modelId.toString());
        assertThat(job.get("answer_kind").asText()).isEqualTo("fulfill");
        assertThat(job.get("created_block").isIntegralNumber() && job.get("deadline").isIntegralNumber()).isTrue();
        assertThat(job.get("error").isNull()).isTrue();
    }

    @Test
    void ticTacToeGetsItsMovesFromTheGameMoveTask() throws Exception {
        BigInteger modelId = ChimpOracle.getModelRegisteredEvents(
                oracle.registerModel("ttt", "game-move", new byte[32], "", BigInteger.ONE).send()).get(0).modelId;
        TicTacToe game = TicTacToe.deploy(DevChain.web3j(), DevChain.as(REQUESTER), DevChain.GAS, oracle.getContractAddress(), modelId).send();
        BigInteger id = TicTacToe.getGameStartedEvents(game.newGame().send()).get(0).gameId;
        game.play(id, BigInteger.ZERO, BigInteger.ONE).send();
        Awaitility.await().alias("the oracle moved in time").atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100)).until(() -> game.getGame(id).send().component2().intValue() == 1);
        assertThat(game.getGame(id).send().component3()).extracting(BigInteger::intValue)
                .as("perfect play answers a corner opening with the centre").containsExactly(1, 0, 0, 0, 2, 0, 0, 0, 0);
    }

    @Test
    void badRegistrationsAreClientErrorsAndChangeNothing() throws Exception {
        for (String body : List.of("{\"name\": \"emotions\", \"price_wei\": 1}",
                "{\"name\": \"emotions\", \"stage\": \"Production\", \"version\": 2, \"price_wei\": 1}",
                "{\"name\": \"emotions\", \"stage\": \"Archived\", \"price_wei\": 1}",
                "{\"name\": \"emotions\", \"version\": 0, \"price_wei\": 1}",
                "{\"name\": \"emotions\", \"stage\": \"Production\", \"price_wei\": -1}",
                "{\"name\": \"emotions\", \"stage\": \"Production\", \"price_wei\": \"1e18\"}",
                "{\"name\": \"emotions\", \"stage\": \"Production\", \"price_wei\": \"" + "9".repeat(79) + "\"}",
                "{\"name\": \"emotions\", \"stage\": \"Production\", \"price_wei\": \"" + BigInteger.TWO.pow(256) + "\"}",
                "{\"name\": 7, \"stage\": \"Production\", \"price_wei\": 1}",
                "[1, 2]")) {
            HttpResponse<String> response = post("/chain/models", body);
            assertThat(response.statusCode()).as(body + " -> " + response.body()).isEqualTo(400);
        }
        assertThat(post("/chain/models", "{\"name\": \"unknown\", \"stage\": \"Production\", \"price_wei\": 1}").statusCode()).isEqualTo(404);
        assertThat(oracle.modelCount().send()).isZero();
        assertThat(get("/blobs/sha256:" + "0".repeat(64)).statusCode()).isEqualTo(404);
        assertThat(get("/blobs/md5:abc").statusCode()).isEqualTo(400);
        assertThat(get("/chain/jobs?limit=100000").statusCode()).isEqualTo(400);
    }

    @Test
    void aKeyOnTheCommandLineIsNotAcceptedOnlyAFileAndItsContentIsNeverShown() throws Exception {
        Path bad = dir.resolve("bad.key");
        Files.writeString(bad, "0x" + "zz".repeat(32));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> KeyFile.read(bad)))
                .hasMessageContaining(bad.toString()).hasMessageNotContaining("zz");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> new ChainSettings(DevChain.rpcUrl(), oracle.getContractAddress(),
                null, null, 0, 0, "http://x"))).hasMessageContaining("--chain-key-file");
    }
}
