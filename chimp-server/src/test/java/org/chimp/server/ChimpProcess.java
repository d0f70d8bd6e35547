package org.chimp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/** A {@code chimp} command running in its own JVM (the test class path), so tests can SIGKILL it. */
final class ChimpProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ChimpProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code chimp <args>} with extra environment variables, its output going to {@code log}. */
    static ChimpProcess start(Path log, Map<String, String> env, String... args) throws IOException {
        // The class path goes in CLASSPATH, not on the command line: ONNX Runtime 1.29's native start-up crashes
        // (SIGSEGV, no hs_err file) in a JVM whose command line is longer than about 4 KB.
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "org.chimp.server.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new ChimpProcess(pb.start(), log);
    }

    /** Waits until {@code GET /ping} answers on the port. */
    ChimpProcess awaitHttp(int port) {
        ApiClient api = new ApiClient(port, "unused-token-0123456789");
        // A dead process fails at once (the assertion is not ignored); a refused connection only means "not yet".
        Awaitility.await().alias("HTTP on port " + port + "; see " + log).atMost(Duration.ofSeconds(90)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(200)).ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    assertThat(process.isAlive()).as(() -> "process alive; its log ends:\n" + tail()).isTrue();
                    return api.getWithoutToken("/ping").status() == 200;
                });
        return this;
    }

    /** The last lines of the process's log, for failure messages (the log's temp directory is gone afterwards). */
    String tail() {
        try {
            List<String> lines = java.nio.file.Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is handed back. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM, then waits up to a minute for the shutdown hooks to finish; true if the process exited. */
    boolean terminate() throws InterruptedException {
        process.destroy();
        return process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    /** A free TCP port on loopback. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
