package org.chimp.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.chimp.server.node.ChimpNode;
import org.chimp.server.node.NodeSettings;
import org.chimp.server.node.Role;
import org.chimp.server.node.WorkerSettings;
import org.chimp.web.identity.Identity;
import org.chimp.web.identity.UserRole;

/**
 * A standalone node (embedded H2, store and broker in {@code dir}, every role on a free port, one worker thread on
 * queue {@code training}) and a client holding its admin token: what the end-to-end tests drive over HTTP.
 */
record StandaloneFixture(ChimpNode node, ApiClient api) implements AutoCloseable {
    static StandaloneFixture start(Path dir, String token) throws IOException {
        ChimpNode node = ChimpNode.standalone(new NodeSettings(dir.resolve("data"), null, "embedded", null, token), 0,
                new WorkerSettings(List.of("training"), 1));
        return new StandaloneFixture(node, new ApiClient(node.port(Role.TRAINING), token));
    }

    /** A standalone node without a worker, for tests that only call its routes. */
    static ChimpNode withoutWorker(Path dir, String token) throws IOException {
        return ChimpNode.standalone(new NodeSettings(dir.resolve("data"), null, "embedded", null, token), 0, null);
    }

    /** Adds a user to the node and returns an API token of theirs. */
    static String userToken(ChimpNode node, String name, UserRole role) {
        Identity identity = node.services().identity();
        return identity.tokens().create(identity.users().add(name, role, name + "'s password"), "test", null).token();
    }

    @Override
    public void close() {
        node.close();
    }
}
