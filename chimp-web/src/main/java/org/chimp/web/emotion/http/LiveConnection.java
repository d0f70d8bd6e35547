package org.chimp.web.emotion.http;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One open live WebSocket: whose it is, its session cookie (checked again while it stays open), the frame in
 * flight and the pace of its frames. The counters are touched only by the connection's reading thread (Jetty
 * delivers one connection's messages one at a time); {@code busy} also by the worker answering its frame.
 */
final class LiveConnection {
    final String user;
    final String cookie;
    final AtomicBoolean busy = new AtomicBoolean();
    long frames;
    long lastAcceptedNanos;
    long sessionCheckedNanos;
    int tooFastInARow;

    LiveConnection(String user, String cookie, long now) {
        this.user = user;
        this.cookie = cookie;
        this.sessionCheckedNanos = now;
        this.lastAcceptedNanos = now - 1_000_000_000L;
    }
}
