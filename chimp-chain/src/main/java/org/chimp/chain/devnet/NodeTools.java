package org.chimp.chain.devnet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A directory with chimp-chain's pinned npm tools ({@code package.json}, {@code package-lock.json},
 * {@code hardhat.config.js}, {@code node_modules}) and the Node.js executable that runs them.
 */
public record NodeTools(Path dir, Path node) {
    private static final long INSTALL_TIMEOUT_MINUTES = 10;
    /** The sha256 of the package-lock.json the tools were installed from (also written by scripts/npm-install.sh). */
    public static final String STAMP = "node_modules/.chimp-lock-sha256";

    /** Node.js from {@code CHIMP_NODE} or the PATH. */
    public static Path findNode() {
        String configured = System.getenv("CHIMP_NODE");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (String entry : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(entry, "node");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("Node.js (18 or newer) is needed for the development chain: install it or set CHIMP_NODE");
    }

    /** The tools are there, installed from the current package-lock.json (see {@link #STAMP}). */
    public boolean installed() throws IOException {
        Path stamp = dir.resolve(STAMP);
        return Files.isRegularFile(dir.resolve("node_modules/hardhat/internal/cli/cli.js"))
                && Files.isRegularFile(dir.resolve("node_modules/solc/soljson.js"))
                && Files.isRegularFile(stamp)
                && Files.readString(stamp).strip().equals(lockHash());
    }

    private String lockHash() throws IOException {
        return org.web3j.utils.Numeric.toHexStringNoPrefix(org.web3j.crypto.Hash.sha256(Files.readAllBytes(dir.resolve("package-lock.json"))));
    }

    /** Runs {@code npm ci} in the tools directory unless the tools are already there. */
    public NodeTools ensureInstalled() throws IOException, InterruptedException {
        if (installed()) {
            return this;
        }
        Path npmCli = node.toRealPath().getParent().getParent().resolve("lib/node_modules/npm/bin/npm-cli.js");
        List<String> command = Files.isRegularFile(npmCli)
                ? List.of(node.toString(), npmCli.toString(), "ci", "--no-audit", "--no-fund", "--loglevel=error")
                : List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
        // npm's output goes to ours, but not our stdin: a test JVM's stdin is Surefire's channel to it.
        Process process = new ProcessBuilder(command).directory(dir.toFile()).inheritIO()
                .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        process.getOutputStream().close();
        if (!process.waitFor(INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException("npm ci did not finish within " + INSTALL_TIMEOUT_MINUTES + " minutes");
        }
        if (process.exitValue() != 0) {
            throw new IOException("npm ci failed (exit " + process.exitValue() + ") in " + dir);
        }
        Files.writeString(dir.resolve(STAMP), lockHash() + "\n");
        return this;
    }
}
