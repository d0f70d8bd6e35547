package org.chimp.server;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import org.chimp.server.node.ChimpNode;
import org.chimp.server.node.Role;
import org.chimp.web.identity.UserRole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One worker-less standalone node for all tests of a class, an HTTP client, the training port's base URL and an API
 * token of the user alice: the set-up of the tests that call the node's routes as different callers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class NodePerClass {
    /** Set from @BeforeAll's parameter: a per-class instance @TempDir field is not filled before @BeforeAll runs. */
    Path dir;
    final String adminToken;
    final HttpClient http = HttpClient.newHttpClient();
    ChimpNode node;
    String base;
    String userToken;

    NodePerClass(String adminToken) {
        this.adminToken = adminToken;
    }

    @BeforeAll
    void startNode(@TempDir Path dir) throws IOException {
        this.dir = dir;
        node = StandaloneFixture.withoutWorker(dir, adminToken);
        base = "http://127.0.0.1:" + node.port(Role.TRAINING);
        userToken = StandaloneFixture.userToken(node, "alice", UserRole.USER);
    }

    @AfterAll
    void stopNode() {
        node.close();
    }
}
