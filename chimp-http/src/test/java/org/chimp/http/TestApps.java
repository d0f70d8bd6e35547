package org.chimp.http;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Javalin apps set up as CHIMP's nodes set theirs up, for the HTTP layer's tests. */
final class TestApps {
    private TestApps() {
    }

    static Javalin hardened(Path spool, ServerLimits limits, ErrorFormats formats) {
        return hardened(spool, limits, formats, cfg -> { });
    }

    static Javalin hardened(Path spool, ServerLimits limits, ErrorFormats formats, Consumer<JavalinConfig> more) {
        BearerAuth auth = new BearerAuth(HardenedServerTest.TOKEN, BearerAuth.defaultPublicPaths());
        Javalin app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            JettySetup.apply(cfg, 0, limits, spool, formats, auth::admits);
            cfg.jetty.multipartConfig.cacheDirectory(spool.toString());
            more.accept(cfg);
        });
        HttpErrors.install(app, formats);
        auth.install(app);
        return app;
    }
}
