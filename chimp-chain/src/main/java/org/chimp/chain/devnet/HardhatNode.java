package org.chimp.chain.devnet;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Hardhat 2 development node running as a child process, listening on loopback only. The tools directory holds
 * {@code node_modules/hardhat} and the {@code hardhat.config.js} the node reads (see {@link NodeTools}).
 * Closing it stops the process and its children.
 */
public final class HardhatNode implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final String rpcUrl;
    private final Path log;

    private HardhatNode(Process process, String rpcUrl, Path log) {
        this.process = process;
        this.rpcUrl = rpcUrl;
        this.log = log;
    }

    /** Starts a node on a free loopback port and waits until it answers JSON-RPC; its output goes to {@code log}. */
    public static HardhatNode start(NodeTools tools, Path log) throws IOException, InterruptedException {
        return start(tools, freePort(), log);
    }

    public static HardhatNode start(NodeTools tools, int port, Path log) throws IOException, InterruptedException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder(List.of(tools.node().toString(),
                tools.dir().resolve("node_modules/hardhat/internal/cli/cli.js").toString(),
                "node", "--hostname", "127.0.0.1", "--port", Integer.toString(port)))
                .directory(tools.dir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("HARDHAT_DISABLE_TELEMETRY_PROMPT", "true");
        Process process = builder.start();
        HardhatNode node = new HardhatNode(process, "http://127.0.0.1:" + port, log);
        try {
            node.awaitReady();
        } catch (IOException | RuntimeException | InterruptedException e) {
            node.close();
            throw e;
        }
        return node;
    }

    public String rpcUrl() {
        return rpcUrl;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(rpcUrl))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}"))
                .build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the Hardhat node exited with code " + process.exitValue() + "; its output is in " + log);
            }
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("\"result\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IOException("the Hardhat node did not answer within " + START_TIMEOUT.toSeconds() + " s; its output is in " + log);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
