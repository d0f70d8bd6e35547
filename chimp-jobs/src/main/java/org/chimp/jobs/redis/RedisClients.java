package org.chimp.jobs.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;

/**
 * Redis clients for CHIMP's brokers and event buses. They share one set of event loops: each Lettuce
 * {@link ClientResources} starts its own threads, too many for a process that opens a broker and a bus.
 */
public final class RedisClients {
    private static ClientResources shared;

    private RedisClients() {
    }

    /** A client for {@code redis://host:port[/db]} whose connections announce {@code clientName} to the server. */
    public static RedisClient create(String url, String clientName) {
        RedisURI uri;
        try {
            uri = RedisURI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid Redis URL '" + url + "'; use redis://host:port[/db]: "
                    + e.getMessage(), e);
        }
        uri.setClientName(clientName);
        return RedisClient.create(resources(), uri);
    }

    private static synchronized ClientResources resources() {
        if (shared == null) {
            shared = DefaultClientResources.create();
        }
        return shared;
    }
}
