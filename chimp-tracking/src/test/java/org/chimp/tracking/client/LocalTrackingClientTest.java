package org.chimp.tracking.client;

class LocalTrackingClientTest extends TrackingClientContract {
    @Override
    TrackingClient client(TrackingServer server) {
        return new LocalTrackingClient(server.tracking, server.registry);
    }
}
