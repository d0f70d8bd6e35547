package org.chimp.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.chimp.chain.ChainSettings;
import org.chimp.chain.KeyFile;
import org.chimp.chain.contract.ChimpOracle;
import org.chimp.chain.contract.ImageClassifierClient;
import org.chimp.chain.devnet.Devnet;
import org.chimp.server.ApiClient.Reply;
import org.chimp.server.examples.ExampleModels;
import org.chimp.server.node.ChimpNode;
import org.chimp.server.node.NodeSettings;
import org.chimp.server.node.Role;
import org.chimp.server.node.WorkerSettings;
import org.chimp.tracking.client.LocalTrackingClient;
import org.chimp.tracking.client.TrackingClient;
import org.chimp.training.sample.SyntheticFaces;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * The chain issue's "done": on a local chain, a contract asks CHIMP's Production model to classify an image and is
 * called back with the output's hash and URI; the URI serves, without a token, the JSON /infer answers for the image.
 * A model registered by version runs that version even once no stage serves it. A text-to-image job is answered with
 * the PNG /infer makes for the same prompt and seed.
 */
@Tag("slow")
class ChainEndToEndTest {
    private static final String TOKEN = "chain-e2e-token-0123456789";
    private static final String MODEL = "chain-model";

    @TempDir
    Path dir;

    @Test
    void aContractGetsAClassificationFromTheProductionModel() throws Exception {
        Path data = dir.resolve("data");
        // the devnet's tools: chimp-chain's own npm install (scripts/test installs it), not a second download
        Files.createDirectories(data.resolve("chain"));
        Files.createSymbolicLink(data.resolve("chain/tools"), Path.of("../chimp-chain").toAbsolutePath().normalize());
        try (Devnet devnet = Devnet.start(data, ChimpProcess.freePort())) {
            int port = ChimpProcess.freePort();
            ChainSettings chain = new ChainSettings(devnet.info().rpcUrl(), devnet.info().contract(), devnet.info().keyFile(), null, 0,
                    devnet.info().deployBlock(), "http://127.0.0.1:" + port);
            try (ChimpNode node = ChimpNode.start(new NodeSettings(data, null, "embedded", null, TOKEN),
                    Map.of(port, Set.of(Role.values())), new WorkerSettings(List.of("training"), 1), chain)) {
                ApiClient api = new ApiClient(port, TOKEN);
                Path zip = dir.resolve("faces.zip");
                SyntheticFaces.writeZip(zip, 10, 4, 7);
                assertThat(api.postFile("/datasets", zip, Map.of("dataset_name", "faces")).status()).isEqualTo(200);
                Reply task = api.postForm("/tasks/run/image-classifier", Map.of("datasets", "{\"train\": \"faces\"}",
                        "model_name", MODEL, "epochs", "2"));
                assertThat(task.status()).as(task.text()).isEqualTo(200);
                JsonNode poll = poll(api, task.json().get("task_id").asText());
                assertThat(poll.get("successful").asBoolean()).as(poll.toString()).isTrue();
                assertThat(api.postJson("/api/2.0/mlflow/model-versions/transition-stage", Map.of("name", MODEL,
                        "version", poll.at("/value/model_version").asText(), "stage", "Production")).status()).isEqualTo(200);

                Reply registered = api.postJson("/chain/models", Map.of("name", MODEL, "stage", "Production", "price_wei", "1000"));
                assertThat(registered.status()).as(registered.text()).isEqualTo(201);
                BigInteger modelId = BigInteger.valueOf(registered.json().get("model_id").asLong());

                Web3j web3j = Web3j.build(new HttpService(devnet.info().rpcUrl()));
                Credentials dev = KeyFile.read(devnet.info().keyFile()); // a dapp user; any funded key would do
                var tm = new RawTransactionManager(web3j, dev, devnet.info().chainId(), new PollingTransactionReceiptProcessor(web3j, 50, 400));
                var gas = new StaticGasProvider(BigInteger.valueOf(5_000_000_000L), BigInteger.valueOf(3_000_000));
                ImageClassifierClient client = ImageClassifierClient.deploy(web3j, tm, gas, devnet.info().contract(), modelId).send();
                byte[] face = SyntheticFaces.png(SyntheticFaces.Expression.values()[0], new java.util.Random(3), 48);
                BigInteger jobId = ChimpOracle.getJobCreatedEvents(client.classify(face, BigInteger.valueOf(1000)).send()).get(0).jobId;

                JsonNode output = await(api, port, client, jobId);
                assertThat(output.at("/metadata/name").asText()).isEqualTo(MODEL);
                assertThat(output.at("/metadata/stage").asText()).isEqualTo("Production");
                assertThat(output.get("predicted_labels")).hasSize(1);
                // The chain's output is what /infer answers for the same image, built by the same code.
                Reply infer = api.postJson("/model/" + MODEL + "/infer", Map.of("inputs", Base64.getEncoder().encodeToString(face)));
                assertThat(infer.status()).as(infer.text()).isEqualTo(200);
                assertThat(output).isEqualTo(infer.json());

                // A model registered by version runs that version, whatever stage it is in now (here none serves it).
                String version = poll.at("/value/model_version").asText();
                Reply pinned = api.postJson("/chain/models", Map.of("name", MODEL, "version", Integer.parseInt(version), "price_wei", "1000"));
                assertThat(pinned.status()).as(pinned.text()).isEqualTo(201);
                assertThat(api.postJson("/api/2.0/mlflow/model-versions/transition-stage", Map.of("name", MODEL,
                        "version", version, "stage", "Archived")).status()).isEqualTo(200);
                ImageClassifierClient pinnedClient = ImageClassifierClient.deploy(web3j, tm, gas, devnet.info().contract(),
                        BigInteger.valueOf(pinned.json().get("model_id").asLong())).send();
                BigInteger pinnedJob = ChimpOracle.getJobCreatedEvents(pinnedClient.classify(face, BigInteger.valueOf(1000)).send()).get(0).jobId;
                JsonNode pinnedOutput = await(api, port, pinnedClient, pinnedJob);
                assertThat(pinnedOutput.at("/metadata/version").asText()).isEqualTo(version);
                assertThat(pinnedOutput.at("/metadata/stage").asText()).isEqualTo("Archived");
                assertThat(pinnedOutput.get("predictions")).isEqualTo(output.get("predictions"));

                // Registering a version that does not exist is a 404 and sends nothing on chain.
                BigInteger nonce = web3j.ethGetTransactionCount(dev.getAddress(), DefaultBlockParameterName.PENDING).send().getTransactionCount();
                Reply missing = api.postJson("/chain/models", Map.of("name", MODEL, "version", 99, "price_wei", "1000"));
                assertThat(missing.status()).as(missing.text()).isEqualTo(404);
                assertThat(missing.json().toString()).contains("version=99");
                assertThat(web3j.ethGetTransactionCount(dev.getAddress(), DefaultBlockParameterName.PENDING).send().getTransactionCount())
                        .isEqualTo(nonce);
                // So is a version registered through MLflow's API without a CHIMP model config: nothing could run it (409).
                Reply external = api.postJson("/api/2.0/mlflow/model-versions/create", Map.of("name", MODEL, "source", "s3://bucket/model"));
                assertThat(external.status()).as(external.text()).isEqualTo(200);
                Reply noConfig = api.postJson("/chain/models", Map.of("name", MODEL,
                        "version", external.json().at("/model_version/version").asInt(), "price_wei", "1000"));
                assertThat(noConfig.status()).as(noConfig.text()).isEqualTo(409);
                assertThat(noConfig.json().toString()).contains("no CHIMP model config");
                assertThat(web3j.ethGetTransactionCount(dev.getAddress(), DefaultBlockParameterName.PENDING).send().getTransactionCount())
                        .isEqualTo(nonce);

                Reply jobs = api.get("/chain/jobs");
                assertThat(jobs.json().at("/jobs/0/state").asText()).isEqualTo("fulfilled");
                assertThat(api.getWithoutToken("/chain/jobs").status()).as("the job list needs the token").isEqualTo(401);

                // Any task with byte forms runs on chain through its data types alone: a text-to-image job (a UTF-8
                // prompt, no callback) is answered with the very PNG /infer makes for that prompt and seed.
                try (TrackingClient local = new LocalTrackingClient(node.services().tracking(), node.services().registry())) {
                    ExampleModels.register(local, ExampleModels.all().stream().filter(e -> e.task().equals("text-to-image")).toList(),
                            dir.resolve("examples"));
                }
                Reply imageModel = api.postJson("/chain/models", Map.of("name", "text-to-image", "stage", "Production", "price_wei", "1000"));
                assertThat(imageModel.status()).as(imageModel.text()).isEqualTo(201);
                ChimpOracle oracle = ChimpOracle.load(devnet.info().contract(), web3j, tm, gas);
                BigInteger imageJob = ChimpOracle.getJobCreatedEvents(oracle.requestJob(
                        BigInteger.valueOf(imageModel.json().get("model_id").asLong()), "a lighthouse".getBytes(StandardCharsets.UTF_8),
                        "0x0000000000000000000000000000000000000000", new byte[4], BigInteger.ZERO, BigInteger.valueOf(11),
                        BigInteger.valueOf(1000)).send()).get(0).jobId;
                JsonNode imageAnswer = awaitJob(api, imageJob);
                assertThat(imageAnswer.get("state").asText()).as(imageAnswer.toString()).isEqualTo("fulfilled");
                String imageUri = imageAnswer.get("output_uri").asText();
                HttpResponse<byte[]> png = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(imageUri)).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(png.statusCode()).isEqualTo(200);
                assertThat(Hash.sha256(png.body())).isEqualTo(org.web3j.utils.Numeric.hexStringToByteArray(imageAnswer.get("output_hash").asText()));
                Reply direct = api.postJson("/model/text-to-image/infer", Map.of("inputs", Map.of("prompt", "a lighthouse", "seed", 11)));
                assertThat(direct.status()).as(direct.text()).isEqualTo(200);
                assertThat(png.body()).isEqualTo(Base64.getDecoder().decode(direct.json().at("/predictions/image").asText()));
                web3j.shutdown();
            }
        }
    }

    /** Waits for the contract's callback; returns the output JSON its URI serves, checked against the hash. */
    private static JsonNode await(ApiClient api, int port, ImageClassifierClient client, BigInteger jobId) throws Exception {
        Awaitility.await().alias("called back in time").atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100)).until(() -> client.resultOf(jobId).send().component2());
        var result = client.resultOf(jobId).send();
        String uri = result.component4();
        assertThat(uri).startsWith("http://127.0.0.1:" + port + "/blobs/sha256:");
        Reply blob = api.getWithoutToken(uri.substring(("http://127.0.0.1:" + port).length()));
        assertThat(blob.status()).isEqualTo(200);
        assertThat(Hash.sha256(blob.text().getBytes(StandardCharsets.UTF_8))).isEqualTo(result.component3());
        return blob.json();
    }

    /** Waits until the sequencer has answered a chain job (fulfilled or failed); returns its entry of /chain/jobs. */
    private static JsonNode awaitJob(ApiClient api, BigInteger jobId) {
        return Awaitility.await().alias("chain job " + jobId + " answered in time").atMost(Duration.ofSeconds(90))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
                .until(() -> answered(api, jobId), java.util.Objects::nonNull);
    }

    /** The job's entry of /chain/jobs once it is fulfilled or failed, else null. */
    private static JsonNode answered(ApiClient api, BigInteger jobId) throws Exception {
        for (JsonNode job : api.get("/chain/jobs").json().get("jobs")) {
            String state = job.get("state").asText();
            if (job.get("job_id").asText().equals(jobId.toString()) && (state.equals("fulfilled") || state.equals("failed"))) {
                return job;
            }
        }
        return null;
    }

    private static JsonNode poll(ApiClient api, String taskId) {
        return Tasks.await(api, taskId, p -> p.get("ready").asBoolean(), Duration.ofMinutes(3));
    }
}
