package org.chimp.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The blob store contract over S3: s3proxy on loopback, a fresh key prefix per test, 5 MiB parts. */
class S3BlobStoreContractTest extends BlobStoreContract {
    private static Path dir;
    private static S3TestServer server;
    private S3BlobStore store;

    @BeforeAll
    static void startServer() throws Exception {
        dir = Files.createTempDirectory("chimp-s3proxy");
        server = S3TestServer.start(dir);
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
        ScratchSpace.deleteTree(dir);
    }

    @Override
    BlobStore store() {
        store = server.store("contract", "chimp/" + UUID.randomUUID() + "/");
        return store;
    }

    @AfterEach
    void closeClient() {
        if (store != null) {
            store.close();
        }
    }
}
