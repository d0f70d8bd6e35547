package org.chimp.jobs.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.function.Consumer;

/** Direct access to the test Redis, to look at and delete what a test left under its key prefix. */
final class RedisTestKeys {
    private RedisTestKeys() {
    }

    static <T> T with(String url, java.util.function.Function<RedisCommands<String, String>, T> action) {
        RedisClient client = RedisClients.create(url, "chimp-test");
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return action.apply(c.sync());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    static void run(String url, Consumer<RedisCommands<String, String>> action) {
        with(url, r -> {
            action.accept(r);
            return null;
        });
    }

    static void deleteAll(String url, String prefix) {
        run(url, r -> {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = r.scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(500));
                if (!page.getKeys().isEmpty()) {
                    r.del(page.getKeys().toArray(String[]::new));
                }
                cursor = page;
            } while (!cursor.isFinished());
        });
    }
}
