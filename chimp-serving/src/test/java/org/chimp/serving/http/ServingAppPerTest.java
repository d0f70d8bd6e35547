package org.chimp.serving.http;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh serving app over a temporary folder for each test, closed after it: the set-up tests of HTTP routes share. */
abstract class ServingAppPerTest {
    @TempDir
    Path dir;
    ServingApp app;

    @BeforeEach
    void startApp() {
        app = new ServingApp(dir);
    }

    @AfterEach
    void stopApp() {
        app.close();
    }
}
