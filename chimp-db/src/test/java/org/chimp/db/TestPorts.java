package org.chimp.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * Free loopback ports for servers a test starts in another process (MinIO, a private RabbitMQ node), shared from
 * this test jar as {@link TestDatabases} is. The ports are held open together while chosen, so that one call
 * never returns the same port twice (two calls one after the other can).
 */
public final class TestPorts {
    private TestPorts() {
    }

    /** {@code n} different ports, free when this returns. */
    public static int[] free(int n) {
        ServerSocket[] held = new ServerSocket[n];
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                held[i] = new ServerSocket(0);
                ports[i] = held[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : held) {
                if (s != null) {
                    try {
                        s.close();
                    } catch (IOException e) {
                        // closing a listening socket we opened: nothing to do about a failure
                    }
                }
            }
        }
    }
}
